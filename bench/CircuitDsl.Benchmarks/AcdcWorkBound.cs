using CircuitDsl.Discovery.Graph;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// The most an exact ACDC run can gain over one full forward per edge test, counting multiply-adds: where time follows
/// arithmetic (a CPU, whose cores a batch already fills), no schedule of the same tests does better. A test of an edge
/// into layer l must recompute, at least, the receiver (its one projection and W_O for a head) and the MLP of layer l at
/// every position (the receiver's change reaches every position), every later layer at every position but the last,
/// whose keys and values are needed at every position and the rest only at the metric's rows, and the unembedding at
/// those rows. The full forward runs every layer and the unembedding at every position. Attention's scores and the
/// norms are left out of both (a few percent at these lengths), which only raises the bound.
/// </summary>
public static class AcdcWorkBound
{
    public static double Gain(ModelConfig c, EdgeGraph graph, int batch, int length, int metricRowsPerExample)
    {
        double rows = (double)batch * length, metricRows = (double)batch * metricRowsPerExample;
        double projection = (double)c.DModel * c.DHead;                          // one head's q, k, v or o, per row
        double attention = 2 * (c.Heads + c.KvHeads) * projection;                 // q and o per query head, k and v per key/value head
        double mlp = c.HasMlp ? (c.GatedMlp ? 3.0 : 2.0) * c.DModel * c.DMlp : 0;
        double layer = attention + mlp;
        double unembed = (double)c.DModel * c.VocabSize;
        double full = rows * (c.Layers * layer + unembed);
        int last = c.Layers - 1;
        double Test(Component receiver)
        {
            double cost = metricRows * unembed;
            if (receiver.Kind == ComponentKind.Logits) return cost;
            int l = receiver.Layer;
            bool head = receiver.Kind == ComponentKind.Head;
            if (l == last)
                return cost + (head ? rows * projection + metricRows * projection : 0) + metricRows * mlp;
            cost += (head ? 2 * rows * projection : 0) + rows * mlp;               // the receiver and its layer's MLP
            cost += (last - 1 - l) * rows * layer;                                   // the layers between
            cost += 2 * c.KvHeads * rows * projection + metricRows * (2 * c.Heads * projection + mlp); // the last layer
            return cost;
        }
        double tests = graph.Edges.Sum(e => Test(e.Receiver));
        return graph.Count * full / tests;
    }
}
