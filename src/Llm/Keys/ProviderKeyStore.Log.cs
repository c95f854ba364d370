using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Keys;

public sealed partial class ProviderKeyStore
{
    // Who and which provider, never the key, nor its last four characters.
    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "User {UserId} set their key for provider {Provider}")]
        public static partial void KeySet(ILogger logger, Guid userId, string provider);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "User {UserId} removed their key for provider {Provider}")]
        public static partial void KeyRemoved(ILogger logger, Guid userId, string provider);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "The stored key of user {UserId} for provider {Provider} cannot be unprotected: the Data Protection key ring that protected it is missing here")]
        public static partial void KeyUnreadable(ILogger logger, Exception exception, Guid userId, string provider);
    }
}
