using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvSwap.Api;

/// <summary>
/// Readiness as JSON with each check's status and its short fixed description, so an operator sees which backend is
/// down. Never exception text: the endpoint is public, and messages carry hosts, bucket names and keys. The health
/// check service logs every failing check with its exception; the log is where the detail is.
/// </summary>
internal static class HealthResponse
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (DescriptionOf(entry) is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public const string FailedDescription = "check failed; the silo log has the error";

    /// <summary>A check that threw has its exception's message as description: replaced by a fixed one.</summary>
    internal static string? DescriptionOf(HealthReportEntry entry) =>
        entry.Exception is not null && (entry.Description is null || entry.Description == entry.Exception.Message) ? FailedDescription : entry.Description;
}
