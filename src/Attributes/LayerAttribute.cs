using System;

namespace Compiled
{
    /// <summary>
    /// The base of every layer attribute. Layers are applied in the order they are written on the class.
    /// </summary>
    public abstract class LayerAttribute : Attribute
    {
        /// <summary>Creates a layer attribute.</summary>
        protected LayerAttribute()
        {
        }
    }
}
