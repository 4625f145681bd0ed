using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tests.Weights;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;

namespace CircuitDsl.Runtime.Tests.Tokenization;

/// <summary>
/// Hugging Face folders' tokenizers: byte-level BPE from tokenizer.json (Llama-3, Qwen2, GPT-NeoX styles) and
/// SentencePiece from tokenizer.model (Llama-2, Mistral, Gemma), each with its family's BOS convention.
/// </summary>
public class HfTokenizerTests
{
    static readonly int Hello = TinyTokenizerFiles.Id("hello"), World = TinyTokenizerFiles.Id("Ġworld");
    const int EndOfText = 265;

    static string WriteJson(TempDir dir, JsonObject tokenizer)
    {
        File.WriteAllText(dir.File("tokenizer.json"), tokenizer.ToJsonString());
        return dir.Path;
    }

    [TestCase("neox", "gpt_neox", null)]
    [TestCase("llama3", "llama", 128)]
    [TestCase("qwen2", "qwen2", null)]
    public void ByteLevelBpeEncodesDecodesAndKeepsSpecialTokensWhole(string style, string modelType, int? bos)
    {
        using var dir = new TempDir();
        WriteJson(dir, TinyTokenizerFiles.ByteLevelJson(style, "<|endoftext|>"));
        var tokenizer = HfTokenizers.Load(dir.Path, modelType, bos, modelVocab: 300);
        int[] prefix = bos is int b ? [b] : [];

        Assert.That(tokenizer.Encode("hello world"), Is.EqualTo(prefix.Concat([Hello, World])));
        Assert.That(tokenizer.Encode("hello world<|endoftext|>hello"), Is.EqualTo(prefix.Concat([Hello, World, EndOfText, Hello])));
        Assert.That(tokenizer.Encode("hi!"), Is.EqualTo(prefix.Concat(new[] { 'h', 'i', '!' }.Select(c => (int)c))), "unmerged bytes are their byte ids");
        Assert.That(tokenizer.Decode([Hello, World]), Is.EqualTo("hello world"));
        Assert.That(tokenizer.Decode(tokenizer.Encode("naïve café")[prefix.Length..]), Is.EqualTo("naïve café"), "multi-byte characters round-trip");
        Assert.That(tokenizer.VocabSize, Is.EqualTo(266));
        Assert.That(tokenizer.Spec.Kind, Is.EqualTo(TokenizerSpec.HuggingFaceBpeKind));
        Assert.That(tokenizer.Spec.Create().Encode("hello world"), Is.EqualTo(tokenizer.Encode("hello world")), "the spec rebuilds the same tokenizer");
        Assert.Throws<TokenizationException>(() => tokenizer.Decode([266]));
    }

    [TestCase("llama3", true)]
    [TestCase("neox", false)]
    public void IgnoreMergesTakesAPreTokenInTheVocabularyWhole(string style, bool ignoreMerges)
    {
        using var dir = new TempDir();
        var json = TinyTokenizerFiles.ByteLevelJson(style, "<|endoftext|>");
        json["model"]!["vocab"]!["Ġhi"] = 299; // no merge makes it
        WriteJson(dir, json);
        var tokenizer = HfTokenizers.Load(dir.Path, "qwen2", null, 300);
        int h = 'h', i = 'i', space = TinyTokenizerFiles.Id("Ġ");
        Assert.That(tokenizer.Encode("hi hi<|endoftext|> hello world"), Is.EqualTo(ignoreMerges
            ? new[] { h, i, 299, EndOfText, space, Hello, World }
            : new[] { h, i, space, h, i, EndOfText, space, Hello, World }));
    }

    [Test]
    public void Qwen2NormalisesToNfcFirst()
    {
        using var dir = new TempDir();
        WriteJson(dir, TinyTokenizerFiles.ByteLevelJson("qwen2"));
        var tokenizer = HfTokenizers.Load(dir.Path, "qwen2", null, 300);
        // With InvariantGlobalization (Directory.Build.props) .NET's string.Normalize leaves non-ASCII text as it is.
        Assume.That("e\u0301".Normalize(System.Text.NormalizationForm.FormC), Is.EqualTo("\u00e9"), "this runtime has no Unicode normalisation tables");
        Assert.That(tokenizer.Encode("cafe\u0301"), Is.EqualTo(tokenizer.Encode("caf\u00e9")));
    }

    [Test]
    public void SentencePieceModelPutsTheBosFirst()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tokenizer.model"), TinyTokenizerFiles.SentencePieceModel());
        var tokenizer = HfTokenizers.Load(dir.Path, "llama", beginOfSentence: 1, modelVocab: 32);
        int helloPiece = Array.IndexOf(TinyTokenizerFiles.Pieces, "▁hello"), worldPiece = Array.IndexOf(TinyTokenizerFiles.Pieces, "▁world");

        Assert.That(tokenizer.Spec.Kind, Is.EqualTo(TokenizerSpec.SentencePieceKind));
        Assert.That(tokenizer.Encode("hello world"), Is.EqualTo(new[] { 1, helloPiece, worldPiece }));
        Assert.That(tokenizer.Decode([helloPiece, worldPiece]), Is.EqualTo("hello world"));
        Assert.That(tokenizer.VocabSize, Is.EqualTo(TinyTokenizerFiles.Pieces.Length));
    }

    [Test]
    public void SentencePieceUserDefinedPiecesStayWhole()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tokenizer.model"), TinyTokenizerFiles.SentencePieceModel());
        var tokenizer = HfTokenizers.Load(dir.Path, "gemma2", beginOfSentence: 1, modelVocab: 32);
        int turn = Array.IndexOf(TinyTokenizerFiles.Pieces, "<start_of_turn>");
        var ids = tokenizer.Encode("<start_of_turn>hello");
        Assert.That(ids[0], Is.EqualTo(1));
        Assert.That(ids.Count(i => i == turn), Is.EqualTo(1), string.Join(" ", ids));
        Assert.That(ids, Does.Not.Contain(0), "no unknown pieces: '<' is not in the vocabulary");
    }

    [Test]
    public void SentencePieceIsPreferredWhereTheFamilyShipsIt()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("tokenizer.model"), TinyTokenizerFiles.SentencePieceModel());
        WriteJson(dir, TinyTokenizerFiles.ByteLevelJson("neox"));
        Assert.That(HfTokenizers.Load(dir.Path, "gemma2", 2, 300).Spec.Kind, Is.EqualTo(TokenizerSpec.SentencePieceKind));
        Assert.That(HfTokenizers.Load(dir.Path, "qwen2", null, 300).Spec.Kind, Is.EqualTo(TokenizerSpec.HuggingFaceBpeKind));
    }

    [Test]
    public void AFolderWithoutTokenizerFilesGetsIntegerTokens()
    {
        using var dir = new TempDir();
        var tokenizer = HfTokenizers.Load(dir.Path, "llama", 1, 100);
        Assert.That(tokenizer, Is.TypeOf<IntegerTokenizer>());
        Assert.That(tokenizer.VocabSize, Is.EqualTo(100));
    }

    [Test]
    public void TokenizerProblemsNameTheFileAndKey()
    {
        using var dir = new TempDir();
        string file = dir.File("tokenizer.json");
        void Expect(JsonObject json, string fragment, int vocab = 300)
        {
            WriteJson(dir, json);
            var e = Assert.Throws<ModelFormatException>(() => HfTokenizers.Load(dir.Path, "qwen2", null, vocab))!;
            Assert.That(e.Message, Does.Contain(file).And.Contain(fragment));
        }
        var unigram = TinyTokenizerFiles.ByteLevelJson("neox");
        unigram["model"]!["type"] = "Unigram";
        Expect(unigram, "\"model\".\"type\" 'Unigram' is not supported");
        var metaspace = TinyTokenizerFiles.ByteLevelJson("neox");
        metaspace["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace" };
        Expect(metaspace, "\"pre_tokenizer\" step 'Metaspace' is not supported");
        var nfkc = TinyTokenizerFiles.ByteLevelJson("neox");
        nfkc["normalizer"] = new JsonObject { ["type"] = "NFKC" };
        Expect(nfkc, "\"normalizer\" 'NFKC' is not supported");
        var sentencePieceJson = TinyTokenizerFiles.ByteLevelJson("neox");
        sentencePieceJson["pre_tokenizer"] = null;
        Expect(sentencePieceJson, "needs its tokenizer.model");
        Expect(TinyTokenizerFiles.ByteLevelJson("neox"), "ids up to 264, but the model's embedding has only 200 rows", vocab: 200);
    }

    [Test]
    public void TokenizerFilesAreBoundedByTheirOwnLimit()
    {
        Assert.That(ResourceLimits.MaxTokenizerFileBytes, Is.GreaterThan(ResourceLimits.MaxConfigFileBytes));
        using var dir = new TempDir();
        // 2 MiB: over the config bound, within the tokenizer bound.
        var json = TinyTokenizerFiles.ByteLevelJson("neox");
        json["padding"] = new string('x', 2 << 20);
        WriteJson(dir, json);
        Assert.That(HfTokenizers.Load(dir.Path, "gpt_neox", null, 300).VocabSize, Is.EqualTo(265));
    }

    [Test]
    public void LoadedFoldersCarryTheirTokenizer()
    {
        TorchNative.EnsureLoaded();
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Llama with { Vocab = 300 });
        checkpoint.Write(dir.Path);
        WriteJson(dir, TinyTokenizerFiles.ByteLevelJson("llama3"));
        using var loaded = ModelLoader.Load(dir.Path);
        Assert.That(loaded.Tokenizer.Encode("hello world"), Is.EqualTo(new[] { 1, Hello, World }), "config.json's bos_token_id first");
    }
}
