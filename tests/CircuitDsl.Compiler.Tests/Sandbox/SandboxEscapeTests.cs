using CircuitDsl.Compiler.Sandbox;

namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>
/// Escape attempts a hostile pull request could put in a causal variable. Each must be refused with a diagnostic,
/// and none may run: a canary file that most of them try to delete must survive.
/// </summary>
[TestFixture]
public class SandboxEscapeTests
{
    const string Canary = "CANARY";
    static string canaryPath = "";

    static readonly string[] Attempts =
    [
        // files
        "System.IO.File.Delete(\"CANARY\")",
        "System.IO.File.ReadAllText(\"CANARY\").Length",
        "new System.IO.FileInfo(\"CANARY\").Length",
        "System.IO.Directory.GetFiles(\"/\").Length",
        "System.IO.Path.GetTempPath()",
        // network
        "new System.Net.Http.HttpClient().GetStringAsync(\"http://127.0.0.1\").Result",
        "System.Net.Dns.GetHostName()",
        // processes and the environment
        "System.Diagnostics.Process.Start(\"rm\", \"CANARY\").Id",
        "System.Environment.GetEnvironmentVariable(\"HOME\")",
        "System.Environment.Exit(1).ToString()",
        "System.Environment.FailFast(\"x\").ToString()",
        "System.AppDomain.CurrentDomain.FriendlyName",
        // reflection
        "x.GetType().Assembly.Location",
        "System.Type.GetType(\"System.IO.File\").Name",
        "System.Activator.CreateInstance(typeof(object)).ToString()",
        "System.Reflection.Assembly.Load(\"System.IO\").FullName",
        "typeof(System.IO.File).Name",
        "x.Tokens.GetType().Name",
        // interop, unsafe, memory
        "System.Runtime.InteropServices.Marshal.AllocHGlobal(10).ToInt32()",
        "System.GC.Collect().ToString()",
        "System.Runtime.CompilerServices.Unsafe.SizeOf<int>()",
        "stackalloc int[10]",
        "__arglist(1)",
        "sizeof(int)",
        "System.MemoryExtensions.AsSpan(x.Tokens).Length",
        // threads and tasks
        "new System.Threading.Thread(() => { }).ManagedThreadId",
        "System.Threading.Tasks.Task.Run(() => 1).Result",
        "System.Threading.Thread.Sleep(100000).ToString()",
        // dynamic and delegates
        "((dynamic)x).Tokens",
        "((System.Func<int>)(() => 1))()",
        // breaking out of the generated code
        "1); System.IO.File.Delete(\"CANARY\"); (1",
        "1 /* ",
        "1 // comment",
        "*/ 1",
        "\"\"); System.IO.File.Delete(\"CANARY\"); //",
        "#if true\n1\n#endif",
        "x.T\\u006fkens.Length",
        "global::System.IO.File.Exists(\"CANARY\")",
        // unbounded cost
        "System.Linq.Enumerable.Range(0, int.MaxValue).Count()",
        "System.Linq.Enumerable.Repeat(1, int.MaxValue).Sum()",
        "x.Tokens.Sum(a => x.Tokens.Sum(b => x.Tokens.Sum(c => a + b + c)))",
        "new string('a', int.MaxValue)",
        "\"a\".PadLeft(int.MaxValue)",
        // writing to the example (its arrays are the dataset's own)
        "x.Tokens[0] = 7",
        "x.Tokens[x.Pos]++",
        "x.Tokens.Select(t => x.Tokens[0] += t).Sum()",
        // statements, lambdas as values, anonymous things
        "delegate { return 1; }",
        "new { A = 1 }",
        "from t in x.Tokens select t",
        "await System.Threading.Tasks.Task.FromResult(1)",
    ];

    [OneTimeSetUp]
    public void CreateCanary()
    {
        canaryPath = Path.Combine(Path.GetTempPath(), "circuitdsl-canary-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(canaryPath, "alive");
    }

    [OneTimeTearDown]
    public void CanarySurvivedAllAttempts()
    {
        Assert.That(File.Exists(canaryPath), Is.True, "an escape attempt deleted the canary file");
        File.Delete(canaryPath);
    }

    [TestCaseSource(nameof(Attempts))]
    public void IsRefusedWithADiagnosticAndNeverRuns(string attempt)
    {
        string expression = attempt.Replace(Canary, canaryPath);
        var (result, _) = SandboxEvaluator.CheckAndRun(expression, new TestExample());
        Assert.That(result.Allowed, Is.False, $"allowed: {expression}");
        Assert.That(result.Diagnostics, Is.Not.Empty);
        foreach (var d in result.Diagnostics)
        {
            Assert.That(d.Code, Does.StartWith("CD300"));
            Assert.That(d.Start, Is.InRange(0, expression.Length));
            Assert.That(d.Start + d.Length, Is.LessThanOrEqualTo(expression.Length));
        }
        Assert.That(File.Exists(canaryPath), Is.True);
    }

    [Test]
    public void ThereAreAtLeastThirtyDistinctAttempts() =>
        Assert.That(Attempts.Distinct().Count(), Is.GreaterThanOrEqualTo(30));
}
