namespace CircuitDsl.Runtime.Model;

/// <summary>
/// How many intra-op threads libtorch gets for a model when the user does not say. The zoo's models are too small
/// for their ops to gain from splitting, and idle OpenMP workers spin-wait, so beside any other busy process two
/// threads cost far more than they give (measured: the ioi-2l hypotheses took 57 s on two threads next to another
/// busy process, 3.2 s on one). Models of GPT-2's size do gain, so they get every core.
/// </summary>
public static class TorchThreads
{
    public const long SmallModelParameters = 20_000_000;

    public static int For(HookedTransformer model, int requested = 0) =>
        requested > 0 ? requested
        : model.parameters().Sum(p => p.numel()) < SmallModelParameters ? 1
        : Environment.ProcessorCount;
}
