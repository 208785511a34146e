namespace Orleans.Align.Grains.Log.Dedupe;

/// <summary>One id of a slice: the id, where the log holds it, and its content hash.</summary>
[GenerateSerializer, Immutable, Alias("align.dedupe-slice-id")]
public readonly record struct SliceId([property: Id(0)] string Id, [property: Id(1)] long Sequence, [property: Id(2)] UInt128 ContentHash);

/// <summary>
/// A partition's share of one sealed recent run: the stretch of the log the run covers
/// (<see cref="FirstSequence"/> to <see cref="LastSequence"/>, whichever ids of it hash to the
/// partition, perhaps none) and those ids. The stretch is what makes a slice idempotent.
/// </summary>
[GenerateSerializer, Immutable, Alias("align.dedupe-slice")]
public sealed record DedupeSlice(
    [property: Id(0)] long FirstSequence,
    [property: Id(1)] long LastSequence,
    [property: Id(2)] DateTimeOffset NewestAt,
    [property: Id(3)] IReadOnlyList<SliceId> Ids);

/// <summary>What a partition says of itself when asked: how far it is durable and how many ids it holds.</summary>
[GenerateSerializer, Immutable, Alias("align.dedupe-partition-state")]
public sealed record DedupePartitionState([property: Id(0)] long DurableThrough, [property: Id(1)] long Ids);
