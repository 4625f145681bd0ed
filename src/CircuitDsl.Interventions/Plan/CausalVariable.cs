using System.Collections;
using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Interventions.Plan;

/// <summary>
/// A causal variable: a function of one example (and, for per-position tasks, a position), such as
/// <c>x =&gt; x.Tokens[x.Pos - 1]</c>. Causal scrubbing resamples inputs that agree on it. Values compare with
/// <see cref="object.Equals(object)"/>, arrays element by element. A position where the expression indexes outside
/// the example (<c>x.Tokens[x.Pos - 1]</c> at position 0) has the value <see cref="Undefined"/>, which equals only itself.
/// </summary>
public sealed class CausalVariable
{
    readonly Func<ExampleView, object?> evaluate;
    bool evaluatedOnce;

    CausalVariable(string name, Func<ExampleView, object?> evaluate)
    {
        Name = name;
        this.evaluate = evaluate;
    }

    public string Name { get; }

    /// <summary>A typed variable; <typeparamref name="T"/> must compare by value (numbers, strings, tuples, records, arrays).</summary>
    public static CausalVariable Of<T>(string name, Func<ExampleView, T> function) =>
        new(name, x => function(x));

    /// <summary>
    /// The most one evaluation may take. The compiler's sandbox bounds an expression's cost statically (no unbounded
    /// ranges, lambdas at most two deep), so every evaluation ends; this turns a merely slow one into an error naming
    /// the variable instead of a CI job that seems to hang.
    /// </summary>
    public static TimeSpan TimeBudget { get; set; } = TimeSpan.FromMilliseconds(ResourceLimits.EvaluationBudgetMilliseconds);

    /// <summary>
    /// The variable's value on <paramref name="example"/> at <paramref name="position"/>. Reading outside the example
    /// gives <see cref="Undefined"/>; any other failure of the expression is a <see cref="CausalVariableException"/>
    /// naming the example and position.
    /// </summary>
    public object? Evaluate(Example example, int position)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        object? value;
        try
        {
            value = evaluate(new ExampleView(example, position));
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            value = Undefined.Value;
        }
        catch (Exception e) when (e is not CausalVariableException)
        {
            // Whatever the expression throws (DivideByZero, NullReference, Overflow, OutOfMemory, InvalidOperation from
            // an empty First(), ...) describes the user's expression on this example.
            throw new CausalVariableException(Name, ExampleName(example), position, $"{e.GetType().Name}: {e.Message}", e);
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        // The first evaluation also compiles the expression's code (JIT), which is no cost of the expression.
        bool first = !evaluatedOnce;
        evaluatedOnce = true;
        if (!first && elapsed > TimeBudget)
            throw new CausalVariableException(Name, ExampleName(example), position,
                $"it took {elapsed.TotalMilliseconds:0} ms; the budget is {TimeBudget.TotalMilliseconds:0} ms per evaluation (simplify the expression)");
        return value;
    }

    static string ExampleName(Example example) => example.Source ?? "an example";

    /// <summary>The values at each of <paramref name="positions"/>: the variable as a vector over the node's positions.</summary>
    internal object?[] Evaluate(Example example, int[] positions)
    {
        var values = new object?[positions.Length];
        for (int i = 0; i < positions.Length; i++) values[i] = Evaluate(example, positions[i]);
        return values;
    }

    public override string ToString() => Name;

    /// <summary>The value of a variable at a position where it reads outside the example.</summary>
    public sealed class Undefined
    {
        public static Undefined Value { get; } = new();
        Undefined() { }
        public override string ToString() => "undefined";
    }

    /// <summary>Compares values (and vectors of values) structurally.</summary>
    internal static IEqualityComparer<object?> ValueComparer { get; } = new StructuralComparer();

    sealed class StructuralComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => StructuralComparisons.StructuralEqualityComparer.Equals(x, y);
        public int GetHashCode(object? obj) => obj is null ? 0 : StructuralComparisons.StructuralEqualityComparer.GetHashCode(obj);
    }

    internal static string Show(object? value) => value switch
    {
        null => "null",
        object?[] vector => "[" + string.Join(", ", vector.Select(Show)) + "]",
        IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
