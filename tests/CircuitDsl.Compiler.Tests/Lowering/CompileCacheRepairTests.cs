using System.Buffers.Binary;
using CircuitDsl.Compiler.Roslyn;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>
/// A damaged cache entry never breaks a run: the next compile discards it, compiles as if the cache were empty,
/// and stores a fresh entry that a later run finds.
/// </summary>
public class CompileCacheRepairTests
{
    static readonly string InductionFile = Path.Combine("hypotheses", "induction-attn-only-2l.circuit");
    const int HeaderSize = 48; // CompiledPlanFile: magic, two lengths, SHA-256
    string cacheDir = "", cleanDir = "";

    [SetUp]
    public void CreateCacheDirs()
    {
        string id = Guid.NewGuid().ToString("N");
        cacheDir = Path.Combine(Path.GetTempPath(), "circuitdsl-repair-" + id);
        cleanDir = Path.Combine(Path.GetTempPath(), "circuitdsl-clean-" + id);
    }

    [TearDown]
    public void RemoveCacheDirs()
    {
        foreach (var dir in new[] { cacheDir, cleanDir })
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }

    static int PeLength(byte[] entry) => BinaryPrimitives.ReadInt32LittleEndian(entry.AsSpan(8));

    static byte[] Pe(byte[] entry) => entry[HeaderSize..(HeaderSize + PeLength(entry))];

    static byte[] Pdb(byte[] entry) => entry[(HeaderSize + PeLength(entry))..];

    /// <summary>(what, damage done to the entry's path). The last two keep a valid hash, so only loading can tell.</summary>
    public static readonly object[][] Damages =
    [
        ["truncated in the PE", (Action<string>)(path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..(HeaderSize + 100)]))],
        ["PDB cut short", (Action<string>)(path => File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]))],
        ["a flipped byte in the PE", (Action<string>)(path =>
        {
            var bytes = File.ReadAllBytes(path);
            bytes[HeaderSize + 200] ^= 0xFF;
            File.WriteAllBytes(path, bytes);
        })],
        ["garbage PDB", (Action<string>)(path =>
        {
            var bytes = File.ReadAllBytes(path);
            new Random(1).NextBytes(bytes.AsSpan(HeaderSize + PeLength(bytes)));
            File.WriteAllBytes(path, bytes);
        })],
        ["zero-length file", (Action<string>)(path => File.WriteAllBytes(path, []))],
        ["a folder in its place", (Action<string>)(path =>
        {
            File.Delete(path);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "inside"), "x");
        })],
        ["the PDB missing, hash valid", (Action<string>)(path => File.WriteAllBytes(path, CompiledPlanFile.Encode(Pe(File.ReadAllBytes(path)), [])))],
        ["garbage PE, hash valid", (Action<string>)(path =>
        {
            var entry = File.ReadAllBytes(path);
            File.WriteAllBytes(path, CompiledPlanFile.Encode(new byte[PeLength(entry)], Pdb(entry)));
        })],
    ];

    [TestCaseSource(nameof(Damages))]
    public void ADamagedEntryIsRecompiledAndRepaired(string what, Action<string> damage)
    {
        var clean = new CircuitCompiler(new CompileCache(cleanDir)).Compile(Circuits.BindFile(InductionFile));
        string cleanEntry = Directory.GetFiles(cleanDir, "*" + CompiledPlanFile.Extension).Single();
        new CircuitCompiler(new CompileCache(cacheDir)).Compile(Circuits.BindFile(InductionFile));
        string entry = Path.Combine(cacheDir, Path.GetFileName(cleanEntry));
        damage(entry);

        var repaired = new CircuitCompiler(new CompileCache(cacheDir)).Compile(Circuits.BindFile(InductionFile));

        Assert.That(repaired.Success, Is.True, what + ": " + string.Join("\n", repaired.Diagnostics));
        Assert.That(repaired.RoslynRan, Is.True, what);
        Assert.That(repaired.Source, Is.EqualTo(clean.Source));
        Assert.That(repaired.Hypotheses.Select(h => h.Bound.Name), Is.EqualTo(clean.Hypotheses.Select(h => h.Bound.Name)));
        Assert.That(File.Exists(entry), Is.True, what + ": the entry was not stored again");
        Assert.That(File.ReadAllBytes(entry), Is.EqualTo(File.ReadAllBytes(cleanEntry)), what);
        Assert.That(Directory.GetFiles(cacheDir).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty);

        var later = new CircuitCompiler(new CompileCache(cacheDir));
        Assert.That(later.Compile(Circuits.BindFile(InductionFile)).RoslynRan, Is.False, what + ": the repaired entry is not found");
    }

    [Test]
    public void AnEntryReadsBackExactlyAndAnyDamageIsRefused()
    {
        byte[] pe = [1, 2, 3, 4, 5], pdb = [6, 7, 8];
        var entry = CompiledPlanFile.Encode(pe, pdb);
        Assert.That(CompiledPlanFile.TryDecode(entry, out var readPe, out var readPdb), Is.True);
        Assert.That((readPe, readPdb), Is.EqualTo((pe, pdb)));
        for (int i = 0; i < entry.Length; i++)
        {
            var flipped = entry.ToArray();
            flipped[i] ^= 0x01;
            Assert.That(CompiledPlanFile.TryDecode(flipped, out _, out _), Is.False, $"byte {i}");
        }
        Assert.That(CompiledPlanFile.TryDecode(entry[..^1], out _, out _), Is.False);
        Assert.That(CompiledPlanFile.TryDecode([.. entry, 0], out _, out _), Is.False);
    }
}
