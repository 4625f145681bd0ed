namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// Just enough of the SentencePiece ModelProto wire format to list its pieces' types: field 1 of the model is each
/// piece (a message of piece = 1, score = 2, type = 3), and type 4 is USER_DEFINED.
/// </summary>
static class SentencePieceProto
{
    const int UserDefined = 4;

    /// <summary>The user-defined pieces by id; an unreadable proto gives none (the tokenizer's own reader reports it).</summary>
    public static Dictionary<string, int> UserDefinedPieces(ReadOnlySpan<byte> model)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        int id = 0, at = 0;
        while (at < model.Length)
        {
            if (!TryVarint(model, ref at, out ulong key)) return result;
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (wire == 2)
            {
                if (!TryVarint(model, ref at, out ulong length) || length > (ulong)(model.Length - at)) return result;
                var body = model.Slice(at, (int)length);
                at += (int)length;
                if (field != 1) continue;
                var (piece, type) = Piece(body);
                if (type == UserDefined && piece is { Length: > 0 }) result.TryAdd(piece, id);
                id++;
            }
            else if (!Skip(model, ref at, wire)) return result;
        }
        return result;
    }

    static (string? Piece, ulong Type) Piece(ReadOnlySpan<byte> body)
    {
        string? piece = null;
        ulong type = 1; // NORMAL when absent
        int at = 0;
        while (at < body.Length)
        {
            if (!TryVarint(body, ref at, out ulong key)) break;
            int field = (int)(key >> 3), wire = (int)(key & 7);
            if (field == 1 && wire == 2)
            {
                if (!TryVarint(body, ref at, out ulong length) || length > (ulong)(body.Length - at)) break;
                piece = System.Text.Encoding.UTF8.GetString(body.Slice(at, (int)length));
                at += (int)length;
            }
            else if (field == 3 && wire == 0)
            {
                if (!TryVarint(body, ref at, out type)) break;
            }
            else if (!Skip(body, ref at, wire)) break;
        }
        return (piece, type);
    }

    static bool Skip(ReadOnlySpan<byte> data, ref int at, int wire)
    {
        switch (wire)
        {
            case 0: return TryVarint(data, ref at, out _);
            case 1: at += 8; return at <= data.Length;
            case 2:
                if (!TryVarint(data, ref at, out ulong length) || length > (ulong)(data.Length - at)) return false;
                at += (int)length;
                return true;
            case 5: at += 4; return at <= data.Length;
            default: return false;
        }
    }

    static bool TryVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}
