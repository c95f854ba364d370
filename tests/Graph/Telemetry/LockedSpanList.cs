using System.Diagnostics;

namespace LlmPlatform.Graph.Tests.Telemetry;

// The exporter adds from the thread that ends each span; tests read while spans still end.
internal sealed class LockedSpanList(List<Activity> inner) : ICollection<Activity>
{
    public int Count
    {
        get
        {
            lock (inner)
                return inner.Count;
        }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (inner)
            inner.Add(item);
    }

    public void Clear()
    {
        lock (inner)
            inner.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (inner)
            return inner.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (inner)
            inner.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (inner)
            return inner.Remove(item);
    }

    public IEnumerator<Activity> GetEnumerator()
    {
        lock (inner)
            return inner.ToList().GetEnumerator();
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
