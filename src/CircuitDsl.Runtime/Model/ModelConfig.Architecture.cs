using System.Globalization;

namespace CircuitDsl.Runtime.Model;

// The architecture settings that must agree with each other and with the sizes; checked before anything is allocated.
public sealed partial record ModelConfig
{
    string? ArchitectureProblem()
    {
        static string Number(double x) => x.ToString(CultureInfo.InvariantCulture);
        static bool Positive(double? x) => x is null || (double.IsFinite(x.Value) && x.Value > 0);

        if (KeyValueHeads is { } kv && (kv < 1 || kv > Heads || Heads % kv != 0))
            return $"\"key_value_heads\" must divide the {Heads} query heads; got {kv}";
        if (!IsRotary && (RotaryDim is not null || RopeScaling is not null))
            return "\"rotary_dim\" and \"rope_scaling\" need \"positions\": \"rotary\"";
        if (RotaryDim is { } r && (r < 2 || r > DHead || r % 2 != 0))
            return $"\"rotary_dim\" must be an even number from 2 to d_head {DHead}; got {r}";
        if (!(double.IsFinite(RotaryBase) && RotaryBase > 1))
            return $"\"rotary_base\" must be a number above 1; got {Number(RotaryBase)}";
        if (RopeScaling is { } s && !(Positive(s.Factor) && Positive(s.LowFreqFactor) && Positive(s.HighFreqFactor) && s.HighFreqFactor > s.LowFreqFactor && s.OriginalContextLength > 0))
            return "\"rope_scaling\" needs factor, low_freq_factor < high_freq_factor (all positive) and original_context_length > 0";
        if (GatedMlp && !HasMlp)
            return "\"gated_mlp\" needs an MLP (d_mlp > 0)";
        if ((ParallelResidual || SandwichNorms) && !HasMlp)
            return "\"parallel_residual\" and \"sandwich_norms\" need MLP blocks (d_mlp > 0)";
        if (SandwichNorms && !HasNormalization)
            return "\"sandwich_norms\" needs a normalization";
        if (ParallelResidual && SandwichNorms)
            return "\"parallel_residual\" and \"sandwich_norms\" together are no known architecture";
        if (!Positive(AttentionScale) || !Positive(AttentionSoftCap) || !Positive(LogitSoftCap))
            return "\"attention_scale\", \"attention_soft_cap\" and \"logit_soft_cap\" must be positive numbers";
        if (!(double.IsFinite(EmbeddingScale) && EmbeddingScale > 0))
            return $"\"embedding_scale\" must be a positive number; got {Number(EmbeddingScale)}";
        if (SlidingWindow is < 1)
            return $"\"sliding_window\" must be at least 1; got {SlidingWindow}";
        if (WindowedLayers is not null && SlidingWindow is null)
            return "\"windowed_layers\" needs a \"sliding_window\"";
        if (WindowedLayers?.Layers.FirstOrDefault(l => l < 0 || l >= Layers, -1) is >= 0 and var bad)
            return $"\"windowed_layers\" names layer {bad}; the model has layers 0..{Layers - 1}";
        return null;
    }
}
