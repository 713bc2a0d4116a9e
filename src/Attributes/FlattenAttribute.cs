using System;

namespace Compiled
{
    /// <summary>
    /// Turns any shape into a vector of the same elements in row-major order, as <c>torch.nn.Flatten</c>.
    /// It computes nothing: the data is already stored flat.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class FlattenAttribute : LayerAttribute
    {
    }
}
