using System;

namespace Compiled
{
    /// <summary>
    /// Global mean pooling: an input <c>(C, ...)</c> (<c>(C, L)</c>, <c>(C, H, W)</c>, <c>(C, D, H, W)</c>) to a vector of
    /// <c>C</c>, the mean of each channel over all its positions; exactly <c>torch.nn.AdaptiveAvgPool1d/2d/3d(1)</c> followed by
    /// <c>torch.nn.Flatten()</c>, so it counts as two modules of the equivalent <c>nn.Sequential</c> (the layers after it are
    /// numbered as in that Sequential). No parameters.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class GlobalAvgPoolAttribute : LayerAttribute
    {
    }
}
