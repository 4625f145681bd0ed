using CircuitDsl.Runtime.Model;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Moves one tensor's bytes from a file into a tensor's native storage, a bounded chunk at a time. The file is read
/// with positioned reads (no memory map: mapped pages would count as the process's resident memory), straight into
/// the destination when the dtypes agree, else through one small staging tensor of the stored dtype.
/// </summary>
readonly struct TensorDataReader(SafeFileHandle file, string path, string tensorName)
{
    /// <summary>The most bytes moved per read: large enough to amortise the calls, small beside any model.</summary>
    public const int ChunkBytes = 16 << 20;

    /// <summary>Fills <paramref name="destination"/> (contiguous, on the CPU) from the data at <paramref name="offset"/>, stored as <paramref name="storedType"/>.</summary>
    public void Read(long offset, ScalarType storedType, Tensor destination)
    {
        long elements = destination.numel();
        if (elements == 0) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var flat = destination.view(-1);
        int width = (int)destination.ElementSize;
        int storedWidth = SafetensorsDType.WidthOf(storedType);
        long perChunk = ChunkBytes / Math.Max(width, storedWidth);
        // Staging is needed only to convert; float32 into float32 lands in the destination directly.
        var staging = storedType == destination.dtype ? null : empty(Math.Min(perChunk, elements), storedType);
        for (long first = 0; first < elements; first += perChunk)
        {
            long count = Math.Min(perChunk, elements - first);
            var target = flat.narrow(0, first, count);
            if (staging is null)
                Fill(target, offset + first * storedWidth);
            else
            {
                var part = staging.narrow(0, 0, count);
                Fill(part, offset + first * storedWidth);
                target.copy_(part);
            }
        }
    }

    // A contiguous chunk's bytes are a span over libtorch's memory, so the read lands there without a managed copy.
    void Fill(Tensor chunk, long position)
    {
        var bytes = chunk.bytes;
        while (!bytes.IsEmpty)
        {
            int read = RandomAccess.Read(file, bytes, position);
            if (read == 0)
                throw new ModelFormatException(path, $"tensor '{tensorName}': the file ended inside its data (truncated)");
            bytes = bytes[read..];
            position += read;
        }
    }
}
