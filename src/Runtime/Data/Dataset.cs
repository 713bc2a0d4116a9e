using System;

namespace Compiled.Data
{
    /// <summary>
    /// Samples held in memory: <see cref="Count"/> feature vectors of <see cref="FeatureCount"/> floats stored one after
    /// another, with either a class label (or, for sequence labelling, one label per step: <see cref="LabelsPerSample"/>) or a
    /// target vector per sample.
    /// </summary>
    public sealed class Dataset
    {
        private Dataset(float[] features, int featureCount, int[]? labels, float[]? targets, int targetCount, int count, int[]? lengths = null, int labelsPerSample = 1)
        {
            LabelsPerSample = labelsPerSample;
            Lengths = lengths;
            Features = features;
            FeatureCount = featureCount;
            Labels = labels;
            Targets = targets;
            TargetCount = targetCount;
            Count = count;
        }

        /// <summary>All features, <see cref="Count"/> × <see cref="FeatureCount"/> floats, sample after sample.</summary>
        public float[] Features { get; }

        /// <summary>The number of floats in one sample.</summary>
        public int FeatureCount { get; }

        /// <summary>The number of samples.</summary>
        public int Count { get; }

        /// <summary>
        /// The class labels, <see cref="LabelsPerSample"/> per sample (one, or one per step for sequence labelling), sample
        /// after sample; or <see langword="null"/> when the data set has target vectors.
        /// </summary>
        public int[]? Labels { get; }

        /// <summary>
        /// The labels of one sample: 1 for a classifier of whole samples (<see cref="FromLabels"/>), the steps of the network's
        /// output for sequence labelling (<see cref="FromSequenceLabels"/>, a network whose <see cref="INetwork.LabelsPerSample"/>
        /// is the same). Subsets, splits and batches keep each sample's labels together.
        /// </summary>
        public int LabelsPerSample { get; }

        /// <summary>The target vectors, <see cref="Count"/> × <see cref="TargetCount"/> floats, or <see langword="null"/> when the data set has labels.</summary>
        public float[]? Targets { get; }

        /// <summary>The number of floats in one target vector (0 for a labelled data set).</summary>
        public int TargetCount { get; }

        /// <summary>
        /// For sequences of their own lengths (a network declared with <c>[Input(maxSteps, features, VariableLength = true)]</c>):
        /// the real steps of each sample, whose features are padded to the network's longest sequence; <see langword="null"/>
        /// for samples of one length. The trainer passes them to the networks' overloads with lengths.
        /// </summary>
        public int[]? Lengths { get; }

        /// <summary>
        /// The same samples as sequences of their own lengths: each sample's features hold <c>lengths[i]</c> real steps
        /// followed by padding (any finite values; the recurrent layers skip them, as PyTorch's <c>pack_padded_sequence</c>).
        /// For a network whose output is a sequence, each target holds one value per step; targets of padding steps are ignored.
        /// </summary>
        /// <param name="lengths">One length per sample, each at least 1 (the trainer checks them against the network's longest sequence).</param>
        /// <returns>A data set sharing this one's arrays, with the lengths (not copied).</returns>
        /// <exception cref="ArgumentException">There is not one length per sample.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A length is below 1.</exception>
        public Dataset WithLengths(int[] lengths)
        {
            ArgumentNullException.ThrowIfNull(lengths);
            if (lengths.Length != Count)
            {
                throw new ArgumentException($"The data set has {Count} samples but {lengths.Length} lengths; there must be exactly one length per sample.", nameof(lengths));
            }

            for (int i = 0; i < lengths.Length; i++)
            {
                if (lengths[i] < 1)
                {
                    throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], $"Sample {i} has the sequence length {lengths[i]}; a sequence has at least one step.");
                }
            }

            return new Dataset(Features, FeatureCount, Labels, Targets, TargetCount, Count, lengths, LabelsPerSample);
        }

        /// <summary>The features of sample <paramref name="index"/>.</summary>
        /// <param name="index">The sample, in <c>[0, Count)</c>.</param>
        /// <returns>A span over its <see cref="FeatureCount"/> floats.</returns>
        public ReadOnlySpan<float> GetFeatures(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Features.AsSpan(index * FeatureCount, FeatureCount);
        }

        /// <summary>Creates a labelled data set (for classification).</summary>
        /// <param name="features">The features, <c>labels.Length</c> × <paramref name="featureCount"/> floats.</param>
        /// <param name="featureCount">The number of floats in one sample; must be positive.</param>
        /// <param name="labels">One class label per sample; none may be negative.</param>
        /// <returns>The data set, which holds the arrays without copying them.</returns>
        /// <exception cref="ArgumentException">The lengths do not agree, the set is empty, or a label is negative.</exception>
        public static Dataset FromLabels(float[] features, int featureCount, int[] labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(labels);
            int count = CheckFeatures(features, featureCount, labels.Length, "labels");
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                {
                    throw new ArgumentException($"Label {i} is {labels[i]}; labels must be non-negative class indices.", nameof(labels));
                }
            }

            return new Dataset(features, featureCount, labels, null, 0, count);
        }

        /// <summary>
        /// Creates a data set for sequence labelling (per-step classification): each sample is a sequence with one class label
        /// per step, for a network that classifies every step (a recurrent layer with <c>ReturnSequences = true</c>, then
        /// <c>[Dense(classes, Activation.Softmax)]</c>, <see cref="Loss.CrossEntropy"/>; its <see cref="INetwork.LabelsPerSample"/>
        /// is its steps). The trainer's loss is the mean cross-entropy over every step and its accuracy the fraction of steps
        /// classified correctly; with <see cref="WithLengths"/>, over the real steps only, and the labels of padding steps are
        /// never read (they may hold anything, such as PyTorch's <c>ignore_index</c> -100).
        /// </summary>
        /// <param name="features">The features, <c>count</c> × <paramref name="featureCount"/> floats.</param>
        /// <param name="featureCount">The number of floats in one sample; must be positive.</param>
        /// <param name="labels">The labels, <c>count</c> × <paramref name="labelsPerSample"/>, sample after sample, step after step (the trainer checks that each real step's is a class of the network).</param>
        /// <param name="labelsPerSample">The labels of one sample: the network's steps; must be positive.</param>
        /// <returns>The data set, which holds the arrays without copying them.</returns>
        /// <exception cref="ArgumentException">The lengths do not agree or the set is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelsPerSample"/> is not positive.</exception>
        public static Dataset FromSequenceLabels(float[] features, int featureCount, int[] labels, int labelsPerSample)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(labels);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labelsPerSample);
            if (labels.Length % labelsPerSample != 0)
            {
                throw new ArgumentException($"The labels hold {labels.Length} values, not a multiple of the {labelsPerSample} labels per sample.", nameof(labels));
            }

            int count = CheckFeatures(features, featureCount, labels.Length / labelsPerSample, "labels");
            return new Dataset(features, featureCount, labels, null, 0, count, null, labelsPerSample);
        }

        /// <summary>Creates a data set with a target vector per sample (for regression or multi-output losses).</summary>
        /// <param name="features">The features, <c>count</c> × <paramref name="featureCount"/> floats.</param>
        /// <param name="featureCount">The number of floats in one sample; must be positive.</param>
        /// <param name="targets">The targets, <c>count</c> × <paramref name="targetCount"/> floats.</param>
        /// <param name="targetCount">The number of floats in one target; must be positive.</param>
        /// <returns>The data set, which holds the arrays without copying them.</returns>
        /// <exception cref="ArgumentException">The lengths do not agree or the set is empty.</exception>
        public static Dataset FromTargets(float[] features, int featureCount, float[] targets, int targetCount)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(targets);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
            if (targets.Length % targetCount != 0)
            {
                throw new ArgumentException($"The targets hold {targets.Length} floats, not a multiple of the target size {targetCount}.", nameof(targets));
            }

            int count = CheckFeatures(features, featureCount, targets.Length / targetCount, "targets");
            return new Dataset(features, featureCount, null, targets, targetCount, count);
        }

        /// <summary>
        /// Creates a labelled data set of token-id sequences, for networks that start with an embedding
        /// (<see cref="NetworkInputKind.TokenIds"/>): the ids become the floats the networks take (exact below 2^24).
        /// </summary>
        /// <param name="tokens">The ids, <c>labels.Length</c> × <paramref name="tokensPerSample"/>; each in [0, 2^24).</param>
        /// <param name="tokensPerSample">The ids in one sample (the network's <c>InputSize</c>); must be positive.</param>
        /// <param name="labels">One class label per sample; none may be negative.</param>
        /// <returns>The data set (the ids copied as floats).</returns>
        /// <exception cref="ArgumentException">The lengths do not agree, the set is empty, or a label is negative.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below 2^24.</exception>
        public static Dataset FromTokens(int[] tokens, int tokensPerSample, int[] labels)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            return FromLabels(TokenFloats(tokens, tokensPerSample), tokensPerSample, labels);
        }

        /// <summary>
        /// Creates a data set of token-id sequences with a target vector per sample, for networks that start with an
        /// embedding; see <see cref="FromTokens(int[], int, int[])"/>.
        /// </summary>
        /// <param name="tokens">The ids, <c>count</c> × <paramref name="tokensPerSample"/>; each in [0, 2^24).</param>
        /// <param name="tokensPerSample">The ids in one sample; must be positive.</param>
        /// <param name="targets">The targets, <c>count</c> × <paramref name="targetCount"/> floats.</param>
        /// <param name="targetCount">The number of floats in one target; must be positive.</param>
        /// <returns>The data set (the ids copied as floats).</returns>
        /// <exception cref="ArgumentException">The lengths do not agree or the set is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below 2^24.</exception>
        public static Dataset FromTokens(int[] tokens, int tokensPerSample, float[] targets, int targetCount)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            return FromTargets(TokenFloats(tokens, tokensPerSample), tokensPerSample, targets, targetCount);
        }

        /// <summary>
        /// Creates a sequence-labelling data set of token-id sequences (a character-level language model, a tagger over
        /// words), for networks that start with an embedding; see <see cref="FromSequenceLabels"/> and
        /// <see cref="FromTokens(int[], int, int[])"/>.
        /// </summary>
        /// <param name="tokens">The ids, <c>count</c> × <paramref name="tokensPerSample"/>; each in [0, 2^24).</param>
        /// <param name="tokensPerSample">The ids in one sample (the network's <c>InputSize</c>); must be positive.</param>
        /// <param name="labels">The labels, <c>count</c> × <paramref name="labelsPerSample"/>, sample after sample, step after step.</param>
        /// <param name="labelsPerSample">The labels of one sample: the network's steps; must be positive.</param>
        /// <returns>The data set (the ids copied as floats).</returns>
        /// <exception cref="ArgumentException">The lengths do not agree or the set is empty.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below 2^24, or <paramref name="labelsPerSample"/> is not positive.</exception>
        public static Dataset FromTokenSequenceLabels(int[] tokens, int tokensPerSample, int[] labels, int labelsPerSample)
        {
            ArgumentNullException.ThrowIfNull(tokens);
            return FromSequenceLabels(TokenFloats(tokens, tokensPerSample), tokensPerSample, labels, labelsPerSample);
        }

        /// <summary>The ids as floats, each checked to be exactly representable.</summary>
        private static float[] TokenFloats(int[] tokens, int tokensPerSample)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokensPerSample);
            var features = new float[tokens.Length];
            for (int i = 0; i < tokens.Length; i++)
            {
                if ((uint)tokens[i] >= 1u << 24)
                {
                    throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"Token id {tokens[i]} at sample {i / tokensPerSample}, position {i % tokensPerSample} is not in [0, 2^24): ids travel as floats, exact only below 2^24.");
                }

                features[i] = tokens[i];
            }

            return features;
        }

        private static int CheckFeatures(float[] features, int featureCount, int count, string what)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
            if (count == 0)
            {
                throw new ArgumentException("The data set is empty: it needs at least one sample.", what);
            }

            if ((long)count * featureCount != features.Length)
            {
                throw new ArgumentException($"The features hold {features.Length} floats but {count} samples of {featureCount} features need {(long)count * featureCount}.", nameof(features));
            }

            return count;
        }
    }
}
