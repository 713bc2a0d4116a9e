"""An independent implementation of Compiled.ParameterInitializer's documented algorithms, for the values pinned in
Networks/ParameterInitializerTests.cs: xoshiro128** seeded by SplitMix64; 24-bit floats (uniform schemes); 53-bit
doubles from two draws (the first the high bits) and Marsaglia's polar method (normal schemes); Householder QR in
double with fixed-order sums and the signs of R's diagonal (orthogonal). Python floats are IEEE doubles, so the double
arithmetic is replicated bit for bit. Plain Python 3, no packages: python3 reference.py"""
import math
import struct

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


class Rng:
    def __init__(self, seed):
        state = seed & M64
        self.s = []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & M64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append((z ^ (z >> 31)) & M32)

    def next_uint(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next_float(self):
        return (self.next_uint() >> 8) / 2**24

    def next_double(self):
        high = self.next_uint()
        low = self.next_uint()
        return (((high << 32) | low) >> 11) * (1.0 / (1 << 53))

    def normal_pair(self):
        while True:
            u = 2.0 * self.next_double() - 1.0
            v = 2.0 * self.next_double() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        factor = math.sqrt(-2.0 * portable_log(s) / s)
        return u * factor, v * factor


def portable_log(x):
    bits = struct.unpack('<q', struct.pack('<d', x))[0]
    exponent = ((bits >> 52) & 0x7FF) - 1023
    mantissa = struct.unpack('<d', struct.pack('<q', (bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000))[0]
    if mantissa > 1.41421356237309504880:
        mantissa *= 0.5
        exponent += 1
    t = (mantissa - 1.0) / (mantissa + 1.0)
    t2 = t * t
    series = 1.0 / 23
    for k in range(21, 0, -2):
        series = (1.0 / k) + (t2 * series)
    return (exponent * 0.69314718055994530942) + (2.0 * t * series)


def dot(x, y):
    sums = [0.0, 0.0, 0.0, 0.0]
    i = 0
    while i + 4 <= len(x):
        for k in range(4):
            sums[k] += x[i + k] * y[i + k]
        i += 4
    total = (sums[0] + sums[1]) + (sums[2] + sums[3])
    while i < len(x):
        total += x[i] * y[i]
        i += 1
    return total


def orthogonal(seed, rows, cols, gain):
    r = Rng(seed)
    m, n = max(rows, cols), min(rows, cols)
    a = [0.0] * (m * n)  # column-major m x n
    position = (lambda i: (i % cols) * rows + i // cols) if rows >= cols else (lambda i: i)
    index = 0
    while index < m * n:
        z0, z1 = r.normal_pair()
        a[position(index)] = z0
        if index + 1 < m * n:
            a[position(index + 1)] = z1
        index += 2

    tau = [0.0] * n
    diagonal = [0.0] * n
    for k in range(n):
        x = a[k * m + k: k * m + m]
        norm = math.sqrt(dot(x, x))
        alpha = -norm if x[0] > 0 else norm
        diagonal[k] = alpha
        if norm == 0:
            continue
        a[k * m + k] -= alpha
        v = a[k * m + k: k * m + m]
        tau[k] = 2.0 / dot(v, v)
        for j in range(k + 1, n):
            y = a[j * m + k: j * m + m]
            s = tau[k] * dot(v, y)
            for i in range(len(y)):
                a[j * m + k + i] = y[i] - s * v[i]

    q = [0.0] * (m * n)
    for j in range(n):
        q[j * m + j] = 1.0
    for k in range(n - 1, -1, -1):
        if tau[k] == 0:
            continue
        v = a[k * m + k: k * m + m]
        for j in range(k, n):
            y = q[j * m + k: j * m + m]
            s = tau[k] * dot(v, y)
            for i in range(len(y)):
                q[j * m + k + i] = y[i] - s * v[i]
    for j in range(n):
        if diagonal[j] < 0:
            for i in range(m):
                q[j * m + i] = -q[j * m + i]

    out = [0.0] * (rows * cols)
    if rows >= cols:
        for i in range(rows):
            for j in range(cols):
                out[i * cols + j] = gain * q[j * m + i]
    else:
        for i in range(rows * cols):
            out[i] = gain * q[i]
    return out


def csharp(values):
    """C# float literals: the shortest decimal that rounds to the same float."""
    def shortest(v):
        v = f32(v)
        for digits in range(1, 12):
            text = '%.*g' % (digits, v)
            if f32(float(text)) == v:
                return text + 'f'
        raise ValueError(v)
    return '{ ' + ', '.join(shortest(v) for v in values) + ' }'


if __name__ == '__main__':
    r = Rng(42)
    print('NextUInt', [hex(r.next_uint()) for _ in range(3)])
    r = Rng(42)
    print('Uniform(1)', csharp([(2 * r.next_float()) - 1 for _ in range(3)]))
    r = Rng(42)
    normals = []
    for _ in range(3):
        normals += list(r.normal_pair())
    print('Normal(1)', csharp(normals[:5]))
    print('Orthogonal 3x5', csharp(orthogonal(42, 3, 5, 1.0)))
    print('Orthogonal 5x3', csharp(orthogonal(42, 5, 3, 1.0)))
    print('Orthogonal 6x6, gain 2', csharp(orthogonal(42, 6, 6, 2.0)))
