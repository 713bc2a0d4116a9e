using System;

namespace Compiled.Optimizers
{
    /// <summary>Argument checks shared by the optimizers, with PyTorch's conditions and clear messages.</summary>
    internal static class HyperParameters
    {
        /// <summary>Requires a finite value <c>&gt;= 0</c>.</summary>
        public static double NonNegative(double value, string parameterName, string description)
        {
            if (!double.IsFinite(value) || value < 0d)
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {description} value: it must be finite and >= 0.");
            }

            return value;
        }

        /// <summary>Requires a finite value.</summary>
        public static double Finite(double value, string parameterName, string description)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {description} value: it must be finite.");
            }

            return value;
        }

        /// <summary>Requires an exponential decay rate in <c>[0, 1)</c>.</summary>
        public static double Beta(double value, string parameterName)
        {
            if (!(value >= 0d && value < 1d))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"Invalid {parameterName} value: it must be in [0, 1).");
            }

            return value;
        }
    }
}
