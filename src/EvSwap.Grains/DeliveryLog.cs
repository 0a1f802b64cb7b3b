using EvSwap.Contracts;

namespace EvSwap.Grains;

/// <summary>
/// Which (boot, seq) a station has applied and which its archive holds, tracked apart: a message counted before a
/// crash but lost with the buffer is archived when it comes again, and counted no second time; one the archive has is
/// neither. A duplicate is a pair seen before, nothing else: a message behind the newest that was never seen is late
/// data, applied once.
/// </summary>
/// <remarks>
/// Bounded per station: the newest <see cref="StationOptions.DeliveryBoots"/> boots, and per boot the numbers within
/// <see cref="StationOptions.DeliveryWindow"/> of its newest, in at most <see cref="StationOptions.DeliveryMaxRanges"/>
/// ranges. A station sends without gaps, so each set is usually one range. A message outside that window cannot be told
/// from a duplicate any more; it is <see cref="Delivery.OutsideWindow"/>, and the caller dead-letters it with that reason
/// instead of applying or dropping it.
/// </remarks>
[GenerateSerializer]
public sealed class DeliveryLog
{
    /// <summary>Oldest boot first.</summary>
    [Id(0)] public List<BootDelivery> Boots { get; set; } = [];

    /// <summary>Boots at or below this were dropped from the log; -1 while none was.</summary>
    [Id(1)] public long ForgottenBootsUpTo { get; set; } = -1;

    public Delivery Classify(long boot, long seq, StationOptions options)
    {
        var b = Find(boot);
        if (b is null)
        {
            return boot <= ForgottenBootsUpTo ? Delivery.OutsideWindow : Delivery.New;
        }

        if (b.Archived.Contains(seq))
        {
            return Delivery.Archived;
        }

        // Behind the window the sets are no longer exact (old ranges are dropped), so "applied but not archived" could
        // be an archived message whose range was dropped: archiving it again is the one thing that must not happen.
        if (seq <= b.ForgottenUpTo || seq <= b.Applied.Max - options.DeliveryWindow)
        {
            return Delivery.OutsideWindow;
        }

        return b.Applied.Contains(seq) ? Delivery.Applied : Delivery.New;
    }

    public void MarkApplied(long boot, long seq, StationOptions options)
    {
        var b = GetOrAdd(boot, options);
        b.Applied.Add(seq);
        Bound(b, options);
    }

    public void MarkArchived(long boot, SeqRange range, StationOptions options)
    {
        var b = GetOrAdd(boot, options);
        b.Archived.Add(range);

        // Whatever is archived was applied, by this activation or by the one that wrote it.
        b.Applied.Add(range);
        Bound(b, options);
    }

    /// <summary>How many of [from, to] of the boot the archive is known to hold.</summary>
    public long ArchivedWithin(long boot, long from, long to) => Find(boot)?.Archived.CountWithin(from, to) ?? 0;

    private BootDelivery? Find(long boot)
    {
        for (var i = Boots.Count - 1; i >= 0; i--)
        {
            if (Boots[i].Boot == boot)
            {
                return Boots[i];
            }
        }

        return null;
    }

    private BootDelivery GetOrAdd(long boot, StationOptions options)
    {
        if (Find(boot) is { } existing)
        {
            return existing;
        }

        var added = new BootDelivery { Boot = boot };
        var at = Boots.FindIndex(b => b.Boot > boot);
        Boots.Insert(at < 0 ? Boots.Count : at, added);
        while (Boots.Count > options.DeliveryBoots)
        {
            ForgottenBootsUpTo = Math.Max(ForgottenBootsUpTo, Boots[0].Boot);
            Boots.RemoveAt(0);
        }

        return added;
    }

    private static void Bound(BootDelivery b, StationOptions options)
    {
        // Ranges wholly behind the window answer nothing Classify does not answer already.
        var horizon = b.Applied.Max - options.DeliveryWindow;
        if (b.Applied.Ranges.Count > 1)
        {
            b.Applied.RemoveRangesEndingAtOrBelow(Math.Min(horizon, b.Applied.Ranges[^2].To));
        }

        if (b.Archived.Ranges.Count > 1)
        {
            b.Archived.RemoveRangesEndingAtOrBelow(Math.Min(horizon, b.Archived.Ranges[^2].To));
        }

        if (b.Applied.TrimTo(options.DeliveryMaxRanges) is { } appliedDropped)
        {
            b.ForgottenUpTo = Math.Max(b.ForgottenUpTo, appliedDropped);
        }

        if (b.Archived.TrimTo(options.DeliveryMaxRanges) is { } archivedDropped)
        {
            b.ForgottenUpTo = Math.Max(b.ForgottenUpTo, archivedDropped);
        }
    }
}
