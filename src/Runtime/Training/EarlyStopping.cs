using System;

namespace Compiled.Training
{
    /// <summary>
    /// Stops training when a validation metric has not improved for <see cref="Patience"/> epochs in a row, as Keras'
    /// <c>EarlyStopping</c> callback does. Needs a validation data set.
    /// </summary>
    /// <remarks>
    /// After each epoch the monitored value improves when it beats the best so far by more than <see cref="MinDelta"/>
    /// (loss: <c>value &lt; best - MinDelta</c>; accuracy: <c>value &gt; best + MinDelta</c>); the first epoch always
    /// sets the best. An epoch without improvement adds one to a counter that every improvement resets; when the counter
    /// reaches <see cref="Patience"/>, training stops after that epoch. A NaN validation loss never improves.
    /// </remarks>
    public sealed class EarlyStopping
    {
        private int _patience = 5;
        private double _minDelta;
        private EarlyStoppingMetric _metric;

        /// <summary>The metric to watch. Defaults to <see cref="EarlyStoppingMetric.ValidationLoss"/>.</summary>
        public EarlyStoppingMetric Metric
        {
            get => _metric;
            init
            {
                if (value is not (EarlyStoppingMetric.ValidationLoss or EarlyStoppingMetric.ValidationAccuracy))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown early-stopping metric.");
                }

                _metric = value;
            }
        }

        /// <summary>The number of consecutive epochs without improvement after which training stops; at least 1. Defaults to 5.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
        public int Patience
        {
            get => _patience;
            init
            {
                if (value < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Patience must be at least 1 epoch (the number of epochs without improvement after which training stops).");
                }

                _patience = value;
            }
        }

        /// <summary>
        /// The smallest change of the metric that counts as an improvement, in the metric's units (loss, or accuracy as a
        /// fraction in [0, 1]); finite and non-negative. Defaults to 0: any strict improvement counts.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
        public double MinDelta
        {
            get => _minDelta;
            init
            {
                if (!double.IsFinite(value) || value < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "MinDelta must be finite and non-negative.");
                }

                _minDelta = value;
            }
        }

        /// <summary>
        /// Whether to put back the parameters of the best epoch when training ends (by early stopping or after the last
        /// epoch) and a later epoch was worse. Defaults to <see langword="true"/>. Costs one copy of the parameters, made
        /// when training starts, and one copy into it at each improvement.
        /// </summary>
        public bool RestoreBestParameters { get; init; } = true;
    }
}
