namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>
/// Which partition of an organization's dedupe index holds an id: a function of the id's 128-bit hash
/// (<see cref="EventFingerprint.OfId"/>, XxHash128 with seed 0: the same in every process and version)
/// and the partition count. Not a plain modulo of the hash: the filters take their block from the
/// high half of the hash and their bits from the low half, and the fences are high halves too, so a
/// partition chosen by either half would leave each partition's ids in a fraction of its filters'
/// blocks. Both halves are mixed (a splitmix64 finalizer) and the result is scaled to the count.
/// </summary>
public static class DedupePartitioning
{
    public static int PartitionOf(UInt128 idHash, int partitions)
    {
        if (partitions <= 1) return 0;
        var z = (ulong)(idHash >> 64) ^ ((ulong)idHash * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)Math.BigMul(z, (ulong)partitions, out _);
    }

    public static int PartitionOf(string id, int partitions) => PartitionOf(EventFingerprint.OfId(id), partitions);

    /// <summary>
    /// Splits the ids of one stretch of the log (<paramref name="first"/> to <paramref name="last"/>)
    /// into one slice per partition; every partition gets a slice, empty or not, so that each one's
    /// runs cover the whole stretch.
    /// </summary>
    public static DedupeSlice[] Split(IEnumerable<KeyValuePair<string, StoredId>> ids, long first, long last, DateTimeOffset newestAt, int partitions)
    {
        var shares = new List<SliceId>[partitions];
        for (var p = 0; p < partitions; p++) shares[p] = [];
        foreach (var (id, stored) in ids) shares[PartitionOf(id, partitions)].Add(new SliceId(id, stored.Sequence, stored.ContentHash));
        return [.. shares.Select(share => new DedupeSlice(first, last, newestAt, share))];
    }
}
