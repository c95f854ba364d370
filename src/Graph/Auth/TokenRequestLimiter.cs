using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace LlmPlatform.Graph.Auth;

/// <summary>
/// Limits token requests per client address, so password guessing is slow even across many accounts
/// (Identity's lockout holds per account). Other requests pass untouched.
/// </summary>
internal static class TokenRequestLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(int perMinute) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            perMinute > 0 && context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase)
                && HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));

    public static async ValueTask RefuseAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        // OAuth clients read errors from this JSON shape (RFC 6749, section 5.2).
        await response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["error"] = "rate_limited",
            ["error_description"] = $"Too many token requests from this address; retry after {seconds} seconds.",
            ["retry_after"] = seconds,
        }, cancellationToken);
    }
}
