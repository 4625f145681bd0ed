using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using Sprache;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Parses .circuit text. Statements are parsed one at a time by the Sprache grammar; when one fails, the
/// error is recorded and the parser skips to the next line that starts a statement at the same level (or
/// a closing brace), so one run reports every broken declaration. Never throws on any input.
/// </summary>
public static class CircuitParser
{
    private enum Level
    {
        TopLevel,
        Member,
    }

    /// <summary>Parses text that came from <paramref name="filePath"/>.</summary>
    public static SyntaxTree Parse(string text, string filePath) => Parse(SourceText.From(text, filePath));

    /// <summary>Parses a source text.</summary>
    public static SyntaxTree Parse(SourceText source)
    {
        var context = new ParseContext(source);
        var statements = ImmutableArray.CreateBuilder<StatementSyntax>();
        var diagnostics = new List<Diagnostic>();
        var input = new ParseInput(context, 0);
        while (true)
        {
            var token = input.Peek();
            if (token.Kind == TokenKind.EndOfFile)
            {
                break;
            }

            if (token.IsWord(source.Text, "hypothesis"))
            {
                input = ParseHypothesis(input, statements, diagnostics);
                continue;
            }

            var result = Grammar.TopLevelStatement(input);
            if (result.WasSuccessful)
            {
                statements.Add(result.Value);
                input = (ParseInput)result.Remainder;
            }
            else
            {
                diagnostics.Add(ParseFailures.ToDiagnostic(context, result, input.Offset, TopLevelHint(source.Text, token)));
                input = Recover(input, Level.TopLevel, statements);
            }
        }

        var root = new CompilationUnitSyntax(statements.ToImmutable()) { Span = source.Span(0, source.Text.Length) };
        var distinct = diagnostics.DistinctBy(d => (d.Code, d.Span.Offset, d.Message)).ToList();
        return new SyntaxTree(source, root, context.Comments, distinct);
    }

    private static ParseInput ParseHypothesis(ParseInput input, ImmutableArray<StatementSyntax>.Builder statements, List<Diagnostic> diagnostics)
    {
        var context = input.Context;
        string text = context.Text;
        int start = input.Peek().Start;
        var header = Grammar.HypothesisHeader(input);
        if (!header.WasSuccessful)
        {
            diagnostics.Add(ParseFailures.ToDiagnostic(context, header, input.Offset));
            return Recover(input, Level.TopLevel, statements);
        }

        var (name, description) = header.Value;
        var members = ImmutableArray.CreateBuilder<StatementSyntax>();
        var current = (ParseInput)header.Remainder;
        bool closed = false;
        while (true)
        {
            var token = current.Peek();
            if (token.Is(text, "}"))
            {
                current = current.After(token);
                closed = true;
                break;
            }

            if (token.Kind == TokenKind.EndOfFile || (token.PrecededByNewline && token.IsWord(text, "hypothesis")))
            {
                string before = token.Kind == TokenKind.EndOfFile
                    ? "the end of the file"
                    : $"'hypothesis' at line {context.Source.GetLineColumn(token.Start).Line}";
                diagnostics.Add(DiagnosticCatalog.UnclosedHypothesis.Create(name.Span, name.Text, before));
                break;
            }

            var result = Grammar.Member(current);
            if (result.WasSuccessful)
            {
                members.Add(result.Value);
                current = (ParseInput)result.Remainder;
            }
            else
            {
                diagnostics.Add(ParseFailures.ToDiagnostic(context, result, current.Offset));
                current = Recover(current, Level.Member, members);
            }
        }

        var hypothesis = new HypothesisSyntax(name, description, members.ToImmutable(), closed)
        {
            Span = context.Source.SpanBetween(start, Math.Max(start, current.Offset)),
        };
        statements.Add(hypothesis);
        return current;
    }

    /// <summary>A hint for statements that are valid only inside a hypothesis.</summary>
    private static string TopLevelHint(string text, Token token) =>
        token.Kind == TokenKind.Identifier && token.TextIn(text) is "node" or "expect" or "unimportant"
            ? $" ('{token.TextIn(text)}' belongs inside a hypothesis {{ ... }})"
            : string.Empty;

    /// <summary>
    /// Skips from a failed statement's first token to the next line that starts a statement of the same level
    /// (or a closing brace that ends the hypothesis), tracking braces so a skipped block is skipped whole.
    /// A 'hypothesis' at the start of a line always stops the skip, so a missing '}' costs one hypothesis only.
    /// </summary>
    private static ParseInput Recover(ParseInput input, Level level, ImmutableArray<StatementSyntax>.Builder skipped)
    {
        var context = input.Context;
        string text = context.Text;
        var starters = level == Level.TopLevel ? SyntaxFacts.TopLevelStarters : SyntaxFacts.MemberStarters;
        int offset = input.Offset;
        int skipStart = -1;
        int depth = 0;
        while (true)
        {
            var token = Lexer.Next(text, offset);
            if (token.Kind == TokenKind.EndOfFile)
            {
                break;
            }

            if (skipStart >= 0 && token.PrecededByNewline)
            {
                string word = token.Kind == TokenKind.Identifier ? token.TextIn(text) : string.Empty;
                if (word == "hypothesis" || (depth == 0 && starters.Contains(word)))
                {
                    break;
                }
            }

            if (skipStart >= 0 && level == Level.Member && depth == 0 && token.Is(text, "}"))
            {
                break;
            }

            if (skipStart < 0)
            {
                skipStart = token.Start;
            }

            depth += token.Is(text, "{") ? 1 : token.Is(text, "}") ? -1 : 0;
            depth = Math.Max(depth, 0);
            offset = token.End;
        }

        if (skipStart >= 0)
        {
            skipped.Add(new SkippedSyntax(text[skipStart..offset]) { Span = context.Source.SpanBetween(skipStart, offset) });
        }

        return input.At(offset);
    }
}
