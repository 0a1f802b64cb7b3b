namespace EvSwap.Contracts;

[GenerateSerializer, Immutable]
public sealed record AlarmComment(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Author,
    [property: Id(2)] string Text);
