namespace EvSwap.Console;

/// <summary>
/// The first <paramref name="k"/> items in an order, kept while items stream past: a page that shows twenty rows of a
/// 10,000-station fleet keeps twenty, instead of sorting all of them on every refresh.
/// </summary>
public sealed class TopK<T>(int k, IComparer<T> order)
{
    // The heap's top is the last of the kept items, the one a better item replaces.
    private readonly PriorityQueue<T, T> _kept = new(Comparer<T>.Create((a, b) => order.Compare(b, a)));

    /// <summary>How many items were offered, kept or not.</summary>
    public int Offered { get; private set; }

    public void Add(T item)
    {
        Offered++;
        if (k <= 0)
        {
            return;
        }

        if (_kept.Count < k)
        {
            _kept.Enqueue(item, item);
        }
        else if (order.Compare(item, _kept.Peek()) < 0)
        {
            _kept.DequeueEnqueue(item, item);
        }
    }

    /// <summary>The kept items, first first.</summary>
    public List<T> ToList() => [.. _kept.UnorderedItems.Select(i => i.Element).Order(order)];
}
