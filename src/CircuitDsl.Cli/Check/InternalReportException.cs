namespace CircuitDsl.Cli.Check;

/// <summary>
/// The engine's results and the binder's hypotheses disagree (a check no expectation asked for, a judged statistic the
/// check does not report): a bug in CircuitDsl. It is deliberately not one of the exceptions `check` reports as the
/// user's error, so that it is never turned into a diagnostic or a made-up number.
/// </summary>
public sealed class InternalReportException(string message) : Exception(message);
