using System.Security.Cryptography;
using System.Text;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// What one cache entry holds: the key it was stored under, the model folder's hash as reported, whether compiling the
/// file gave no diagnostic at all (then a run whose every result is recorded need not compile it), and the engine's result.
/// </summary>
public sealed record CachedResult(string KeyMaterial, string ModelSha256, bool CompiledClean, ExperimentResult Result, string Weights = ModelWeights.Float32);

/// <summary>
/// One result-cache entry as bytes: a magic word, the format version, the SHA-256 of the payload, then the payload
/// (<see cref="BinaryWriter"/>: strings length-prefixed UTF-8, doubles as their 8 bytes, so every number reads back
/// bit for bit). Everything of the engine's result is kept, in the order it was computed (statistics, method choices,
/// per-example values), so a report written from an entry is the report of the run that stored it. Decoding verifies
/// the hash and the layout and refuses anything else.
/// </summary>
public static class CachedResultFile
{
    public const string Extension = ".result";
    static readonly byte[] Magic = "CDRESULT"u8.ToArray();
    const int HashBytes = 32;

    public static byte[] Encode(CachedResult entry)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(entry.KeyMaterial);
            writer.Write(entry.ModelSha256);
            writer.Write(entry.CompiledClean);
            writer.Write(entry.Weights);
            WriteResult(writer, entry.Result);
        }
        byte[] body = payload.ToArray();
        using var file = new MemoryStream();
        file.Write(Magic);
        file.Write(BitConverter.GetBytes(ResultCacheKey.FormatVersion));
        file.Write(SHA256.HashData(body));
        file.Write(body);
        return file.ToArray();
    }

    /// <summary>The entry in <paramref name="bytes"/>, or false when they are not one whole, undamaged entry of this format.</summary>
    public static bool TryDecode(byte[] bytes, out CachedResult? entry)
    {
        entry = null;
        int header = Magic.Length + sizeof(int) + HashBytes;
        if (bytes.Length < header || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)) return false;
        if (BitConverter.ToInt32(bytes, Magic.Length) != ResultCacheKey.FormatVersion) return false;
        var body = bytes.AsSpan(header);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(Magic.Length + sizeof(int), HashBytes))) return false;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, header, bytes.Length - header), Encoding.UTF8);
            string keyMaterial = reader.ReadString(), modelSha256 = reader.ReadString();
            bool compiledClean = reader.ReadBoolean();
            string weights = reader.ReadString();
            entry = new CachedResult(keyMaterial, modelSha256, compiledClean, ReadResult(reader), weights);
            return reader.BaseStream.Position == reader.BaseStream.Length; // trailing bytes: not what was written
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException or InvalidDataException)
        {
            entry = null; // a hash that matches a payload this code cannot read: a writer of another layout, never trusted
            return false;
        }
    }

    static void WriteResult(BinaryWriter writer, ExperimentResult result)
    {
        writer.Write(result.Name);
        writer.Write(result.Model);
        writer.Write(result.Data);
        writer.Write(result.Examples);
        writer.Write(result.Metric);
        writer.Write(result.Seed);
        writer.Write(result.Checks.Count);
        foreach (var check in result.Checks) WriteCheck(writer, check);
    }

    static ExperimentResult ReadResult(BinaryReader reader)
    {
        string name = reader.ReadString(), model = reader.ReadString(), data = reader.ReadString();
        int examples = reader.ReadInt32();
        string metric = reader.ReadString();
        long seed = reader.ReadInt64();
        var checks = new CheckResult[Count(reader)];
        for (int i = 0; i < checks.Length; i++) checks[i] = ReadCheck(reader);
        return new ExperimentResult(name, model, data, examples, metric, seed, checks);
    }

    static void WriteCheck(BinaryWriter writer, CheckResult check)
    {
        writer.Write(check.Name);
        writer.Write(check.Kind);
        writer.Write(check.Statistics.Count);
        foreach (var (statistic, estimate) in check.Statistics)
        {
            writer.Write(statistic.Spelling());
            WriteEstimate(writer, estimate);
        }
        writer.Write(check.Method.Count);
        foreach (var (key, value) in check.Method)
        {
            writer.Write(key);
            writer.Write(value);
        }
        writer.Write(check.Seed);
        writer.Write(check.Expectation is not null);
        if (check.Expectation is { } outcome)
        {
            writer.Write(outcome.Id.Value);
            writer.Write(outcome.Statement);
            writer.Write(outcome.Statistic.Spelling());
            WriteEstimate(writer, outcome.Estimate);
            writer.Write(outcome.Passed);
            writer.Write(outcome.IntervalAgrees);
        }
        WriteValues(writer, check.PerExampleMetric);
        writer.Write(check.PerExampleAgreement is not null);
        if (check.PerExampleAgreement is { } agreement) WriteValues(writer, agreement);
    }

    static CheckResult ReadCheck(BinaryReader reader)
    {
        string name = reader.ReadString(), kind = reader.ReadString();
        // Dictionaries filled in order enumerate in that order: statistics and method choices keep the order computed.
        var statistics = new Dictionary<Statistic, Estimate>();
        for (int i = Count(reader); i > 0; i--) statistics.Add(ReadStatistic(reader), ReadEstimate(reader));
        var method = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = Count(reader); i > 0; i--) method.Add(reader.ReadString(), reader.ReadString());
        long seed = reader.ReadInt64();
        ExpectationOutcome? outcome = null;
        if (reader.ReadBoolean())
        {
            var id = new ExpectationId(reader.ReadString());
            string statement = reader.ReadString();
            var statistic = ReadStatistic(reader);
            var estimate = ReadEstimate(reader);
            outcome = new ExpectationOutcome(id, statement, statistic, estimate, reader.ReadBoolean(), reader.ReadBoolean());
        }
        var perExample = ReadValues(reader);
        var agreement = reader.ReadBoolean() ? ReadValues(reader) : null;
        return new CheckResult(name, kind, statistics, method, seed, outcome, perExample, agreement);
    }

    static void WriteEstimate(BinaryWriter writer, Estimate e)
    {
        writer.Write(e.Value);
        writer.Write(e.Low);
        writer.Write(e.High);
        writer.Write(e.Examples);
        writer.Write(e.Positions);
        writer.Write(e.Interval);
    }

    static Estimate ReadEstimate(BinaryReader reader) =>
        new(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadString());

    static Statistic ReadStatistic(BinaryReader reader) =>
        StatisticSpellings.TryParse(reader.ReadString(), out var statistic) ? statistic : throw new InvalidDataException("not a statistic");

    static void WriteValues(BinaryWriter writer, IReadOnlyList<double> values)
    {
        writer.Write(values.Count);
        foreach (double value in values) writer.Write(value);
    }

    static double[] ReadValues(BinaryReader reader)
    {
        var values = new double[Count(reader)];
        for (int i = 0; i < values.Length; i++) values[i] = reader.ReadDouble();
        return values;
    }

    /// <summary>A count, refused when negative or larger than the bytes left could hold (a forged count must not allocate gigabytes).</summary>
    static int Count(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position) throw new InvalidDataException("count out of range");
        return count;
    }
}
