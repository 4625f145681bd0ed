using System.Runtime.ExceptionServices;
using CircuitDsl;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Runs work on a thread whose stack size is <see cref="ResourceLimits.EvaluationStackBytes"/>, whatever thread the
/// caller is on (a test runner's, a thread-pool one). The sandbox bounds how deep a causal variable can nest, and
/// this makes the stack that bound is measured against a known one: a stack overflow cannot be caught in .NET.
/// </summary>
public static class KnownStack
{
    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, ResourceLimits.EvaluationStackBytes) { Name = "circuit-evaluation" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
