namespace LlmPlatform.Llm.Limits;

/// <summary>
/// Amounts (requests or tokens) counted per second over the last minute, oldest first: at most 60 entries, and only
/// for the seconds something was counted in. Not thread-safe; its owner locks.
/// </summary>
internal sealed class MinuteWindow
{
    private readonly List<(long Second, long Amount)> _seconds = [];
    private long _total;

    public bool IsEmpty(long second)
    {
        Expire(second);
        return _seconds.Count == 0;
    }

    public void Add(long second, long amount)
    {
        Expire(second);
        // A clock set back counts in the newest second instead, so the entries stay in order.
        if (_seconds.Count > 0 && _seconds[^1].Second >= second)
            _seconds[^1] = (_seconds[^1].Second, _seconds[^1].Amount + amount);
        else
            _seconds.Add((second, amount));
        _total += amount;
    }

    /// <summary>How long until the total is below <paramref name="limit"/> again; null when it already is.</summary>
    public TimeSpan? WaitUntilBelow(long limit, DateTimeOffset now)
    {
        Expire(RateLimitWindows.SecondOf(now));
        var total = _total;
        if (total < limit)
            return null;
        foreach (var (second, amount) in _seconds)
        {
            total -= amount;
            if (total < limit)
                return RateLimitWindows.UntilLeaves(second, now);
        }
        throw new InvalidOperationException("A positive limit is always reached from within the window.");
    }

    private void Expire(long second)
    {
        var first = RateLimitWindows.FirstSecondInWindow(second);
        var expired = 0;
        while (expired < _seconds.Count && _seconds[expired].Second < first)
            _total -= _seconds[expired++].Amount;
        _seconds.RemoveRange(0, expired);
    }
}
