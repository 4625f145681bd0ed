using System.Runtime.ExceptionServices;

namespace CircuitDsl;

/// <summary>
/// Runs work on a thread of a stated stack size, whatever thread the caller is on (a test runner's, a thread-pool
/// one), and returns its result or rethrows its exception. Depth bounds on expressions are only as good as the
/// stack they are measured against, and a stack overflow cannot be caught in .NET.
/// </summary>
public static class KnownStack
{
    /// <summary>The result of <paramref name="work"/>, run on a new thread with <paramref name="stackBytes"/> of stack.</summary>
    public static T Run<T>(int stackBytes, Func<T> work)
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
        }, stackBytes) { Name = "circuit-known-stack" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
