using CircuitDsl.Runtime.Tensors;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Tensors;

[TestFixture]
public class HostArraysTests
{
    [Test]
    public void ATensorViewComesBackInRowMajorOrderOfItsOwnShape()
    {
        using var scope = NewDisposeScope();
        var t = arange(12, dtype: ScalarType.Float64).view(3, 4).t(); // a transposed view: not contiguous
        Assert.That(t.ToHostArray<double>(), Is.EqualTo(new double[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }));
        Assert.That(arange(5, dtype: ScalarType.Int64).ToHostArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }));
        Assert.That(zeros(0).ToHostArray<float>(), Is.Empty);
        long before = Tensor.TotalCount;
        Assert.That(t.ToHostArray<double>(), Has.Length.EqualTo(12));
        Assert.That(Tensor.TotalCount, Is.EqualTo(before), "the copies are freed, the tensor itself kept");
        Assert.That(t.sum().item<double>(), Is.EqualTo(66));
    }
}
