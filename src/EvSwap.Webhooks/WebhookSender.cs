using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace EvSwap.Webhooks;

/// <summary>
/// Posts one signed notification, retrying a few times with backoff while the receiver answers 5xx, 408 or 429 or is
/// unreachable. Longer outages are the caller's: it keeps the notification and tries again later.
/// </summary>
public sealed class WebhookSender(TimeProvider time, HttpMessageHandler? handler = null)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: handler is null)
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ResiliencePipeline<HttpResponseMessage> _retry = new ResiliencePipelineBuilder<HttpResponseMessage>
    {
        TimeProvider = time,
    }
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .Handle<TaskCanceledException>()
                .HandleResult(r => IsTransient(r.StatusCode)),
        })
        .Build();

    /// <returns>Null when the receiver answered 2xx; otherwise what went wrong on the last attempt.</returns>
    public async Task<string?> SendAsync(WebhookOptions hook, WebhookEvent notification, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, WebhookJsonContext.Default.WebhookEvent);
        try
        {
            using var response = await _retry.ExecuteAsync(async token =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(hook.Timeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(hook.Secret!, time.GetUtcNow().ToUnixTimeSeconds(), body));
                request.Headers.Add(IdempotencyHeader, notification.Id);
                return await _http.SendAsync(request, timeout.Token);
            }, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex is TaskCanceledException ? $"no answer within {hook.Timeout}" : ex.Message;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
}
