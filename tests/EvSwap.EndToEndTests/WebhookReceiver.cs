using System.Collections.Concurrent;
using System.Text.Json;
using EvSwap.Testing;
using EvSwap.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EvSwap.EndToEndTests;

/// <summary>
/// A webhook receiver on loopback (Kestrel) that checks every request's signature and answers 500 to the first
/// <c>failuresPerEvent</c> attempts of each event, as a receiver that is briefly down would.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Every request as (idempotency key, event, signature valid, status answered), in arrival order.</summary>
    public ConcurrentQueue<(string Key, string Event, bool SignatureValid, int Status)> Requests { get; } = new();

    public IEnumerable<string> Delivered => Requests.Where(r => r.Status == 200).Select(r => r.Key);

    public static async Task<WebhookReceiver> StartAsync(string secret, int failuresPerEvent)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, $"http://127.0.0.1:{port}/hook");
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var valid = WebhookSignature.Verify(context.Request.Headers[WebhookSignature.Header], secret, body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
            var key = context.Request.Headers[WebhookSender.IdempotencyHeader].ToString();
            var evt = JsonDocument.Parse(body).RootElement.GetProperty("event").GetString()!;
            var attempt = receiver._attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            var status = !valid ? 401 : attempt <= failuresPerEvent ? 500 : 200;
            receiver.Requests.Enqueue((key, evt, valid, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
