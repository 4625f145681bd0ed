// MSBuild inline task (compiled by RoslynCodeTaskFactory from TorchSharpCompat.targets).
// Rewrites the output folder's copy of libLibTorchSharp.so so that it loads against a libstdc++ without
// GLIBCXX_3.4.32: the version requirement becomes weak (VER_FLG_WEAK) and the one symbol that needs it,
// std::ios_base_library_init(), becomes unversioned so that the compat shim's definition satisfies it.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchLibTorchSharpForOldLibstdcxx : Task
{
    const string MissingVersion = "GLIBCXX_3.4.32";
    const string ShimmedSymbol = "_ZSt21ios_base_library_initv";
    const uint ShtDynsym = 11, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlgWeak = 0x2, VerNdxGlobal = 1;

    static readonly string[] LibstdcxxCandidates =
    {
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib64/libstdc++.so.6",
    };

    [Required] public string GlueLibrary { get; set; } = "";
    [Required] public bool Patch { get; set; }
    [Output] public bool Needed { get; set; }

    public override bool Execute()
    {
        string libstdcxx = Array.Find(LibstdcxxCandidates, File.Exists);
        if (libstdcxx == null || Contains(File.ReadAllBytes(libstdcxx), MissingVersion))
            return true; // The system library is new enough (or not a glibc system we know): nothing to do.

        byte[] elf = File.ReadAllBytes(GlueLibrary);
        try
        {
            Needed = PatchInMemory(elf);
        }
        catch (InvalidDataException e)
        {
            Log.LogError($"Cannot adapt {GlueLibrary} to {libstdcxx}: {e.Message}");
            return false;
        }
        if (Needed && Patch)
        {
            // The output file may be a hard link into the NuGet cache: replace it, never write through it.
            File.Delete(GlueLibrary);
            File.WriteAllBytes(GlueLibrary, elf);
            Log.LogMessage(MessageImportance.Low, $"Patched {GlueLibrary} for {libstdcxx} (no {MissingVersion}).");
        }
        return true;
    }

    /// <summary>Returns whether the library asks for the missing version (patched in place in the buffer).</summary>
    static bool PatchInMemory(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);

        int verneed = -1, versym = -1, dynsym = -1;
        for (int i = 0; i < shnum; i++)
        {
            uint type = U32(elf, (int)shoff + i * shentsize + 4);
            if (type == ShtGnuVerneed) verneed = i;
            else if (type == ShtGnuVersym) versym = i;
            else if (type == ShtDynsym) dynsym = i;
        }
        if (verneed < 0 || versym < 0 || dynsym < 0)
            throw new InvalidDataException("no symbol version sections");

        int Section(int index, int field) => (int)shoff + index * shentsize + field;
        long Offset(int index) => (long)U64(elf, Section(index, 0x18));
        long Size(int index) => (long)U64(elf, Section(index, 0x20));
        int Link(int index) => (int)U32(elf, Section(index, 0x28));

        // .gnu.version_r: Elf64_Verneed { half version, cnt; word file, aux, next } then Elf64_Vernaux
        // { word hash; half flags, other; word name, next }.
        long verStrings = Offset(Link(verneed));
        int missingIndex = -1;
        long need = Offset(verneed);
        while (true)
        {
            int count = U16(elf, (int)need + 2);
            long aux = need + U32(elf, (int)need + 8);
            for (int a = 0; a < count; a++)
            {
                if (CString(elf, verStrings + U32(elf, (int)aux + 8)) == MissingVersion)
                {
                    missingIndex = U16(elf, (int)aux + 6);
                    ushort flags = (ushort)(U16(elf, (int)aux + 4) | VerFlgWeak);
                    elf[aux + 4] = (byte)flags;
                    elf[aux + 5] = (byte)(flags >> 8);
                }
                aux += U32(elf, (int)aux + 12);
            }
            uint next = U32(elf, (int)need + 12);
            if (next == 0) break;
            need += next;
        }
        if (missingIndex < 0) return false;

        // .dynsym entries are 24 bytes; .gnu.version holds one 16-bit version index per symbol.
        long symStrings = Offset(Link(dynsym));
        long symbols = Size(dynsym) / 24;
        for (long s = 0; s < symbols; s++)
        {
            int versionAt = (int)(Offset(versym) + s * 2);
            if ((U16(elf, versionAt) & 0x7fff) != missingIndex) continue;
            string name = CString(elf, symStrings + U32(elf, (int)(Offset(dynsym) + s * 24)));
            if (name != ShimmedSymbol)
                throw new InvalidDataException($"symbol {name} also needs {MissingVersion}; the shim only provides {ShimmedSymbol}");
            elf[versionAt] = (byte)VerNdxGlobal;
            elf[versionAt + 1] = 0;
        }
        return true;
    }

    // The task compiles against netstandard (no spans): a plain search over a few MB is fast enough.
    static bool Contains(byte[] haystack, string needle)
    {
        byte[] n = Encoding.ASCII.GetBytes(needle + "\0");
        for (int i = Array.IndexOf(haystack, n[0]); i >= 0 && i <= haystack.Length - n.Length; i = Array.IndexOf(haystack, n[0], i + 1))
        {
            int j = 1;
            while (j < n.Length && haystack[i + j] == n[j]) j++;
            if (j == n.Length) return true;
        }
        return false;
    }

    static ushort U16(byte[] b, int at) => BitConverter.ToUInt16(b, at);
    static uint U32(byte[] b, int at) => BitConverter.ToUInt32(b, at);
    static ulong U64(byte[] b, int at) => BitConverter.ToUInt64(b, at);

    static string CString(byte[] b, long at)
    {
        int end = Array.IndexOf(b, (byte)0, (int)at);
        return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
    }
}
