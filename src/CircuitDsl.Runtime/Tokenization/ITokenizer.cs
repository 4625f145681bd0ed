namespace CircuitDsl.Runtime.Tokenization;

/// <summary>Turns text into token ids and back for one model's vocabulary.</summary>
public interface ITokenizer
{
    /// <summary>What <c>tokenizer.json</c> records so that the same tokenizer can be built again.</summary>
    TokenizerSpec Spec { get; }

    /// <summary>Ids lie in 0..VocabSize-1.</summary>
    int VocabSize { get; }

    /// <summary>The token ids of <paramref name="text"/>; throws <see cref="TokenizationException"/> on text it cannot read.</summary>
    int[] Encode(string text);

    /// <summary>
    /// The token ids of <paramref name="text"/> as it continues a prompt (an answer, a word inside a template): what
    /// <see cref="Encode"/> gives without the begin-of-sentence id some tokenizers put first.
    /// </summary>
    int[] EncodeContinuation(string text) => Encode(text);

    /// <summary>The text of <paramref name="ids"/>; throws <see cref="TokenizationException"/> on an id outside the vocabulary.</summary>
    string Decode(IEnumerable<int> ids);
}

/// <summary>Text or ids a tokenizer cannot handle; the message says which word or id and why.</summary>
public sealed class TokenizationException(string message) : Exception(message);
