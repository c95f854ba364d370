// The chat page: a persona, a prompt, the reply streamed token by token over graphql-transport-ws, cancel, the
// conversation's history, and a reload mid-stream that resumes where it stopped. Bundled with graphql-ws by esbuild.
import { createClient } from 'graphql-ws';

const endpoint = new URL('graphql', document.baseURI);
const socketEndpoint = new URL(endpoint);
socketEndpoint.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// sessionStorage, not localStorage: one tab's conversation and stream, gone with the tab.
const keys = { token: 'chat.token', verifier: 'chat.pkceVerifier', conversation: 'chat.conversationId', stream: 'chat.stream' };
const pkce = { clientId: 'llmplatform-explorer', scope: 'api', redirectUri: new URL('chat', document.baseURI).href };

const $ = (id) => document.getElementById(id);
const ui = {
  who: $('who'), signIn: $('sign-in'), signOut: $('sign-out'), persona: $('persona'), newConversation: $('new-conversation'),
  title: $('conversation-title'), history: $('history'), status: $('status'), form: $('prompt-form'), prompt: $('prompt'),
  send: $('send'), cancel: $('cancel'),
};

const session = {
  get: (key) => JSON.parse(sessionStorage.getItem(key) ?? 'null'),
  set: (key, value) => (value === null ? sessionStorage.removeItem(key) : sessionStorage.setItem(key, JSON.stringify(value))),
};

let client = null;
let stopStream = null;

function socket() {
  client ??= createClient({
    url: socketEndpoint.href,
    lazy: true,
    connectionParams: () => {
      const token = session.get(keys.token);
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return client;
}

async function graphql(query, variables = {}) {
  const token = session.get(keys.token);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401) {
    session.set(keys.token, null);
    throw new Error('Your session expired: sign in again.');
  }
  const result = await response.json();
  if (result.errors?.length) {
    const error = new Error(result.errors.map((e) => e.message).join('; '));
    error.code = result.errors[0].extensions?.code;
    throw error;
  }
  return result.data;
}

function status(text, isError = false) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', isError);
}

function bubble(role, text) {
  const item = document.createElement('li');
  item.className = role.toLowerCase();
  const label = document.createElement('span');
  label.className = 'role';
  label.textContent = role;
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  item.append(label, body);
  ui.history.append(item);
  item.scrollIntoView({ block: 'end' });
  return item;
}

function busy(running) {
  ui.send.disabled = running;
  ui.cancel.disabled = !running;
  ui.persona.disabled = running;
  ui.newConversation.disabled = running;
}

// ---- Sign-in: authorization code with PKCE, against the server's own token server ----

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function signIn() {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  session.set(keys.verifier, verifier);
  const authorize = new URL('connect/authorize', document.baseURI);
  authorize.search = new URLSearchParams({
    response_type: 'code', client_id: pkce.clientId, redirect_uri: pkce.redirectUri, scope: pkce.scope,
    code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  location.assign(authorize);
}

async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return;
  history.replaceState(null, '', location.pathname);
  if (error) throw new Error(`Sign-in failed: ${params.get('error_description') ?? error}`);
  const response = await fetch(new URL('connect/token', document.baseURI), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: pkce.redirectUri, client_id: pkce.clientId,
      code_verifier: session.get(keys.verifier) ?? '',
    }),
  });
  session.set(keys.verifier, null);
  const body = await response.json();
  if (!response.ok) throw new Error(`Sign-in failed: ${body.error_description ?? body.error}`);
  session.set(keys.token, body.access_token);
}

function signOut() {
  session.set(keys.token, null);
  session.set(keys.conversation, null);
  location.reload();
}

// ---- Personas, conversation, history ----

async function loadAccount() {
  const { me } = await graphql('{ me { email displayName } }');
  const signedIn = Boolean(session.get(keys.token));
  ui.who.textContent = me ? (me.email ?? me.displayName) : 'not signed in';
  ui.signIn.hidden = signedIn;
  ui.signOut.hidden = !signedIn;
  return me;
}

async function loadPersonas() {
  const { personas } = await graphql('{ personas(first: 100, order: [{ name: ASC }]) { nodes { id name } } }');
  ui.persona.replaceChildren(...personas.nodes.map((p) => new Option(p.name, p.id)));
}

async function loadHistory() {
  ui.history.replaceChildren();
  const id = session.get(keys.conversation);
  ui.title.textContent = '';
  if (!id) return;
  const { node } = await graphql(
    `query History($id: ID!) { node(id: $id) { ... on Conversation { title persona { id }
       messages(last: 50) { nodes { role content } } } } }`,
    { id },
  );
  if (!node) {
    session.set(keys.conversation, null);
    return;
  }
  ui.title.textContent = node.title;
  if (node.persona) ui.persona.value = node.persona.id;
  for (const message of node.messages.nodes.filter((m) => m.role !== 'SYSTEM')) bubble(message.role, message.content);
}

// ---- Streaming ----

// `code` only on GenerationFailed: its human-readable text is being renamed, and `code` is stable.
const events = `
  __typename
  ... on GenerationStarted { generation { id } conversation { id title } }
  ... on TokenChunk { index text }
  ... on GenerationCompleted { reply: message { content finishReason } }
  ... on GenerationFailed { code }`;

/**
 * Streams one generation into `item`. The generation id, the last index shown and the text so far are saved after
 * every chunk, so a reload can resume with `generation(id, after)` and neither lose nor repeat a token.
 */
function stream(item, query, variables) {
  const text = item.querySelector('.text');
  item.classList.add('streaming');
  busy(true);
  const received = [];
  item.dataset.received = '';
  return new Promise((resolve) => {
    const finish = (message, isError = false) => {
      item.classList.remove('streaming');
      session.set(keys.stream, null);
      stopStream = null;
      busy(false);
      status(message, isError);
      resolve();
    };
    stopStream = socket().subscribe({ query, variables }, {
      next: ({ data, errors }) => {
        if (errors?.length) return finish(errors.map((e) => e.message).join('; '), true);
        const event = data.generate ?? data.generation;
        const saved = session.get(keys.stream);
        switch (event.__typename) {
          case 'GenerationStarted':
            session.set(keys.conversation, event.conversation.id);
            ui.title.textContent = event.conversation.title;
            session.set(keys.stream, { id: event.generation.id, lastIndex: -1, text: '' });
            status('Streaming…');
            break;
          case 'TokenChunk':
            if (event.index !== saved.lastIndex + 1) return finish(`Chunk ${event.index} arrived after ${saved.lastIndex}: a gap.`, true);
            text.textContent += event.text;
            received.push(event.index);
            item.dataset.received = `${received[0]}-${event.index}`;
            session.set(keys.stream, { ...saved, lastIndex: event.index, text: text.textContent });
            break;
          case 'GenerationCompleted':
            item.dataset.finishReason = event.reply.finishReason;
            return finish(event.reply.finishReason === 'CANCELLED' ? 'Cancelled.' : 'Done.');
          case 'GenerationFailed':
            return finish(`The provider failed (${event.code}).`, true);
        }
      },
      error: (error) => finish(error?.message ?? (Array.isArray(error) ? error.map((e) => e.message).join('; ') : 'The connection failed.'), true),
      complete: () => { if (stopStream) finish('The stream ended.'); },
    });
  });
}

async function send(event) {
  event.preventDefault();
  const prompt = ui.prompt.value.trim();
  if (!prompt) return;
  ui.prompt.value = '';
  bubble('USER', prompt);
  const reply = bubble('ASSISTANT', '');
  const input = { prompt, personaId: ui.persona.value || null, conversationId: session.get(keys.conversation) };
  status('Starting…');
  await stream(reply, `subscription Generate($input: GenerateInput!) { generate(input: $input) { ${events} } }`, { input });
}

async function resume() {
  const saved = session.get(keys.stream);
  if (!saved) return;
  // The history holds the prompt but not the reply (stored only when it ends): show what arrived before the reload.
  const reply = bubble('ASSISTANT', saved.text);
  status('Resuming…');
  await stream(reply, `subscription Resume($id: ID!, $after: Int) { generation(id: $id, after: $after) { ${events} } }`,
    { id: saved.id, after: saved.lastIndex });
}

async function cancel() {
  const saved = session.get(keys.stream);
  if (!saved) return;
  ui.cancel.disabled = true;
  status('Cancelling…');
  const { cancelGeneration } = await graphql(
    'mutation Cancel($id: ID!) { cancelGeneration(input: { id: $id }) { userErrors { code } } }', { id: saved.id });
  if (cancelGeneration.userErrors.length) status(`Not cancelled: ${cancelGeneration.userErrors[0].code}`, true);
}

function newConversation() {
  session.set(keys.conversation, null);
  ui.history.replaceChildren();
  ui.title.textContent = '';
  status('');
  ui.prompt.focus();
}

async function start() {
  ui.signIn.addEventListener('click', () => signIn().catch((e) => status(e.message, true)));
  ui.signOut.addEventListener('click', signOut);
  ui.form.addEventListener('submit', (e) => send(e).catch((error) => status(error.message, true)));
  ui.prompt.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.ctrlKey) ui.form.requestSubmit(); });
  ui.cancel.addEventListener('click', () => cancel().catch((e) => status(e.message, true)));
  ui.newConversation.addEventListener('click', newConversation);
  try {
    await finishSignIn();
    await loadPersonas();
    const me = await loadAccount();
    if (!me) {
      busy(false);
      ui.send.disabled = true;
      status('Sign in to chat.');
      return;
    }
    await loadHistory();
    document.body.dataset.ready = 'true';
    await resume();
  } catch (error) {
    status(error.message, true);
  }
}

start();
