using System.Net.Http.Json;
using System.Text.Json;

namespace EvSwap.Testing;

/// <summary>The REST calls of the downlink as an operator or a rider makes them, returning the status and the JSON body.</summary>
public static class DownlinkApi
{
    public static Task<(System.Net.HttpStatusCode Status, JsonElement Body)> SendCommandAsync(HttpClient http, string stationId, object body, string? idempotencyKey = null) =>
        PostAsync(http, $"/stations/{stationId}/commands", body, idempotencyKey);

    public static Task<(System.Net.HttpStatusCode Status, JsonElement Body)> ReserveAsync(HttpClient http, string stationId, object body, string? idempotencyKey = null) =>
        PostAsync(http, $"/stations/{stationId}/reservations", body, idempotencyKey);

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The command's entry in <c>GET /stations/{id}/commands</c>.</summary>
    public static async Task<JsonElement> CommandAsync(HttpClient http, string stationId, string commandId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/stations/{stationId}/commands/{commandId}"));

    public static async Task<JsonElement> ReservationAsync(HttpClient http, string stationId, string reservationId) =>
        (await http.GetFromJsonAsync<JsonElement>($"/stations/{stationId}/reservations/{reservationId}"));
}
