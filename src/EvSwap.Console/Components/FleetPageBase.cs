using EvSwap.Grains;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace EvSwap.Console.Components;

/// <summary>
/// A page that shows the fleet: it recomputes from <see cref="FleetMirror"/> when the index pushes a change (at most every
/// <see cref="RefreshDelay"/>, however many changes arrive), and every few seconds for what time alone changes (a
/// station going offline sends nothing).
/// </summary>
public abstract class FleetPageBase : ComponentBase, IDisposable
{
    public static readonly TimeSpan RefreshDelay = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(5);

    private Timer? _clock;
    private int _scheduled;

    [Inject] protected FleetMirror Fleet { get; set; } = null!;
    [Inject] protected IOptions<StationOptions> StationOptions { get; set; } = null!;
    [Inject] protected IOptions<ConsoleOptions> ConsoleOptions { get; set; } = null!;
    [Inject] protected TimeProvider Time { get; set; } = null!;

    protected TimeSpan OfflineAfter => StationOptions.Value.OfflineAfter;

    protected int LowAvailability => ConsoleOptions.Value.LowAvailability;

    protected override void OnInitialized()
    {
        _ = Recompute();
        Fleet.Changed += OnFleetChanged;
        _clock = new Timer(_ => _ = RefreshAsync(), null, ClockInterval, ClockInterval);
    }

    /// <summary>Rebuilds what the page shows from the mirror; called on the renderer's context.</summary>
    /// <returns>False when the page would show exactly what it shows now (it then skips the render).</returns>
    protected abstract bool Recompute();

    private void OnFleetChanged()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = Task.Delay(RefreshDelay).ContinueWith(_ =>
            {
                Volatile.Write(ref _scheduled, 0);
                return RefreshAsync();
            }, TaskScheduler.Default);
        }
    }

    private Task RefreshAsync() => InvokeAsync(() =>
    {
        if (Recompute())
        {
            StateHasChanged();
        }
    });

    public virtual void Dispose()
    {
        Fleet.Changed -= OnFleetChanged;
        _clock?.Dispose();
        GC.SuppressFinalize(this);
    }
}
