using System.Text;

/// <summary>
/// The 1,000-line file the front end's parse-and-bind benchmark and the language server's response-time benchmark
/// both time (linked into each, outside any namespace).
/// </summary>
internal static class ThousandLineFile
{
    /// <summary>File-level settings and variables, then hypotheses in the induction style up to 1,000 lines.</summary>
    public static string Text()
    {
        var text = new StringBuilder();
        text.Append("// Generated for the 1,000-line benchmarks.\nmodel zoo:attn-only-2l\ndata repeated_tokens(count: 512, seed: 7)\n");
        text.Append("metric loss at repeated\nablation resample\nbaseline resample L1.H0, L1.H1\n\n");
        text.Append("let token = x.Tokens[x.Pos]\nlet prev_token = x.Tokens[x.Pos - 1]\nlet next_token = x.Tokens[x.Pos + 1]\n\n");
        for (int i = 0; text.ToString().Count(c => c == '\n') < 1000; i++)
        {
            text.Append($"hypothesis h{i} \"variant {i}\" {{\n");
            text.Append("  unmapped resample\n");
            text.Append($"  let local{i} = x.Tokens[x.Pos] + {i}\n");
            text.Append($"  group heads{i} = L1.H0, L1.H1\n");
            text.Append("  node out = logits\n    from induction\n");
            text.Append($"  node induction = heads{i} at repeated computes next_token\n");
            text.Append("    q from embed, pos_embed agreeing on token\n    k from prev_head\n    v from embed agreeing on token\n");
            text.Append("  node prev_head = L0.H0 computes prev_token\n    from embed agreeing on prev_token\n");
            text.Append("  unimportant L0.H1\n");
            text.Append("  expect scrub recovers >= 85%\n");
            text.Append($"  expect path L0.H0 -> heads{i}.k -> logits effect <= -0.5\n");
            text.Append("  expect path L0.H1 at repeated -> L1.H0.q at repeated -> logits effect >= -0.1\n");
            text.Append("}\n\n");
        }

        return text.ToString();
    }
}
