using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>
/// One cache entry on disk: a compiled plan's PE and PDB in a single file, with their lengths and a SHA-256 of both,
/// so that a truncated, flipped or half-replaced entry is recognised on read instead of loaded. Layout: 8-byte magic,
/// PE length and PDB length (little-endian int32), 32-byte SHA-256 of everything after it, PE bytes, PDB bytes.
/// </summary>
internal static class CompiledPlanFile
{
    public const string Extension = ".plan";

    static ReadOnlySpan<byte> Magic => "CDPLAN1\n"u8;
    const int LengthsSize = 8;
    const int HashSize = 32;
    const int HeaderSize = 8 + LengthsSize + HashSize;

    public static byte[] Encode(byte[] pe, byte[] pdb)
    {
        var bytes = new byte[HeaderSize + pe.Length + pdb.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), pe.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), pdb.Length);
        pe.CopyTo(bytes, HeaderSize);
        pdb.CopyTo(bytes, HeaderSize + pe.Length);
        HashOf(bytes).CopyTo(bytes, 8 + LengthsSize);
        return bytes;
    }

    /// <summary>False for anything but an intact entry: wrong magic, lengths that do not add up, or a hash mismatch.</summary>
    public static bool TryDecode(byte[] bytes, out byte[] pe, out byte[] pdb)
    {
        (pe, pdb) = ([], []);
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic)) return false;
        int peLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        int pdbLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (peLength < 0 || pdbLength < 0 || (long)HeaderSize + peLength + pdbLength != bytes.Length) return false;
        if (!HashOf(bytes).AsSpan().SequenceEqual(bytes.AsSpan(8 + LengthsSize, HashSize))) return false;
        pe = bytes[HeaderSize..(HeaderSize + peLength)];
        pdb = bytes[(HeaderSize + peLength)..];
        return true;
    }

    /// <summary>The hash covers the lengths and both payloads, so a valid hash with moved boundaries is impossible.</summary>
    static byte[] HashOf(byte[] entry)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(entry, 8, LengthsSize);
        sha.AppendData(entry, HeaderSize, entry.Length - HeaderSize);
        return sha.GetHashAndReset();
    }
}
