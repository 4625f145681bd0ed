using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// The identifiers a C# expression mentions that could name a <c>let</c>: outside string and character literals,
/// and not a member name after a dot (the binder finds a variable's dependencies with it; the language server its references).
/// </summary>
public static class ExpressionNames
{
    /// <summary>Start and length of each candidate identifier in <paramref name="expression"/>.</summary>
    public static IEnumerable<(int Start, int Length)> Find(string expression)
    {
        int i = 0;
        while (i < expression.Length)
        {
            char c = expression[i];
            if (c is '"' or '\'')
            {
                i++;
                while (i < expression.Length && expression[i] != c)
                {
                    i += expression[i] == '\\' ? 2 : 1;
                }

                i++;
            }
            else if (Lexer.IsIdentifierStart(c) && (i == 0 || !Lexer.IsIdentifierPart(expression[i - 1])))
            {
                int start = i;
                while (i < expression.Length && Lexer.IsIdentifierPart(expression[i]))
                {
                    i++;
                }

                if (start == 0 || expression[start - 1] != '.')
                {
                    yield return (start, i - start);
                }
            }
            else
            {
                i++;
            }
        }
    }
}
