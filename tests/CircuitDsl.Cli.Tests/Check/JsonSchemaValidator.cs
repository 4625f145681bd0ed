using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The part of JSON Schema that docs/report.schema.json uses: $ref into $defs, type (one or a list), const, enum, required,
/// properties, additionalProperties (false or a schema) and items. Enough to hold the writer to the schema.
/// </summary>
internal static class JsonSchemaValidator
{
    /// <summary>Every place where <paramref name="document"/> breaks <paramref name="schema"/>, as "path: problem".</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, JsonElement document)
    {
        var errors = new List<string>();
        Check(schema, schema, document, "$", errors);
        return errors;
    }

    static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            string name = reference.GetString()!["#/$defs/".Length..];
            Check(root, root.GetProperty("$defs").GetProperty(name), value, path, errors);
            return;
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
            errors.Add($"{path}: must be {constant.GetRawText()}, is {value.GetRawText()}");
        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
            errors.Add($"{path}: {value.GetRawText()} is not one of {options.GetRawText()}");
        if (schema.TryGetProperty("type", out var type) && !Types(type).Any(t => HasType(value, t)))
        {
            errors.Add($"{path}: must be {string.Join(" or ", Types(type))}, is {value.ValueKind}");
            return;
        }
        if (value.ValueKind == JsonValueKind.Object) CheckObject(root, schema, value, path, errors);
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray()) Check(root, items, item, $"{path}[{i++}]", errors);
        }
    }

    static void CheckObject(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: lacks '{name}'");
        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in value.EnumerateObject())
        {
            string at = $"{path}.{property.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var declared))
                Check(root, declared, property.Value, at, errors);
            else if (additional.ValueKind == JsonValueKind.False)
                errors.Add($"{at}: not in the schema");
            else if (additional.ValueKind == JsonValueKind.Object)
                Check(root, additional, property.Value, at, errors);
        }
    }

    // "type" is one name or a list of them (["number", "null"]).
    static IEnumerable<string> Types(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!) : [type.GetString()!];

    static bool HasType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => throw new NotSupportedException($"schema type '{type}'"),
    };
}
