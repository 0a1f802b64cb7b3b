using System.Reflection;

namespace EvSwap.Console.Tests;

/// <summary>
/// An <see cref="IGrainFactory"/> that answers <c>GetGrain&lt;T&gt;(key)</c> with the test's own grain objects: what the
/// pages' readers ask of Orleans, without a silo. Any other call fails the test.
/// </summary>
public class FakeGrainFactory : DispatchProxy
{
    private Func<Type, object, object> _resolve = (type, key) => throw new InvalidOperationException($"No fake {type.Name} for key {key}.");

    public static IGrainFactory Create(Func<Type, object, object> resolve)
    {
        var factory = DispatchProxy.Create<IGrainFactory, FakeGrainFactory>();
        ((FakeGrainFactory)(object)factory)._resolve = resolve;
        return factory;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && args is [{ } key, ..] && key is long or string
            ? _resolve(targetMethod.GetGenericArguments()[0], key)
            : throw new NotSupportedException($"The fake grain factory does not do {targetMethod?.Name}.");
}
