using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using CoroGen;

namespace CoroGen.Samples;

// Seed sections "Generators", "Why not use a custom iterator?" and "Complex internal state" (PEP 255).
public static partial class Generators
{
    // def fibonacci_list(n): a plain method that computes every number first and returns them all.
    public static List<int> FibonacciList(int n)
    {
        int a = 1, b = 1;
        var numbers = new List<int>();
        for (int i = 0; i < n; i++)
        {
            numbers.Add(a);
            (a, b) = (b, a + b);
        }
        return numbers;
    }

    // def fibonacci_generator(n): only ever yields the latest requested value.
    [Coroutine]
    public static async Coroutine FibonacciGenerator(int n, Yielder<int> co)
    {
        int a = 1, b = 1;
        for (int i = 0; i < n; i++)
        {
            await co.Yield(a);                  // yield a
            (a, b) = (b, a + b);
        }
    }

    // def lines(): with open("file.txt") as f: for line in f: yield line
    [Coroutine]
    public static async Coroutine Lines(string path, Yielder<string> co)
    {
        using (var f = new StreamReader(path))
        {
            string? line;
            while ((line = f.ReadLine()) is not null)
                await co.Yield(line);
        }
    }

    // def indefinite(): n = 0; while True: yield n; n += 1
    [Coroutine]
    public static async Coroutine Indefinite(Yielder<int> co)
    {
        int n = 0;
        while (true)
        {
            await co.Yield(n);
            n += 1;
        }
    }

    // The "complex internal state" lines(): only lines not seen before and longer than the previous line.
    // (The seed writes lines_seen = {} and then calls .add on it; a set is what it means.)
    [Coroutine]
    public static async Coroutine NewLongerLines(string path, Yielder<string> co)
    {
        var linesSeen = new HashSet<string>();
        int previousLineLength = 0;
        using (var f = new StreamReader(path))
        {
            string? line;
            while ((line = f.ReadLine()) is not null)
            {
                if (!linesSeen.Contains(line) && line.Length > previousLineLength)
                    await co.Yield(line);
                linesSeen.Add(line);
                previousLineLength = line.Length;
            }
        }
    }

    /// <summary>The file the lines() examples read; shipped next to the program (see the .csproj).</summary>
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "file.txt");

    public static void Run()
    {
        Program.Header("fibonacci_list");
        Console.WriteLine(Program.PyList(FibonacciList(7)));                   // >>> fibonacci_list(7)

        Program.Header("for n in fibonacci_list(3)");
        foreach (int n in FibonacciList(3))
            Console.WriteLine(n);

        Program.Header("fibonacci_generator(7)");
        var generator = FibonacciGenerator(7);                                  // nothing runs yet
        Console.WriteLine($"{generator.GetType().Name} (State: {generator.State})");

        Program.Header("next(g) on fibonacci_generator(3)");
        var g = FibonacciGenerator(3);
        for (int call = 0; call < 4; call++)
        {
            if (g.MoveNext())                                                   // next(g)
                Console.WriteLine(g.Current);
            else
                Console.WriteLine($"StopIteration (MoveNext() returned false, State: {g.State})");
        }

        Program.Header("for n in fibonacci_generator(7)");
        foreach (int n in FibonacciGenerator(7))
            Console.WriteLine(n);

        Program.Header("lines");
        foreach (string line in Lines(FilePath))
            Console.WriteLine(line);

        Program.Header("indefinite (first 10)");
        var numbers = Indefinite();
        var first = new List<int>();
        foreach (int n in numbers)
        {
            if (first.Count == 10)
                break;                                                          // leaving foreach closes it
            first.Add(n);
        }
        Console.WriteLine(Program.PyList(first));
        Console.WriteLine($"after break: {numbers.State}");

        Program.Header("Fibonacci class vs fibonacci_generator (n = 7)");
        Console.WriteLine("Fibonacci  FibonacciGenerator");
        using (IEnumerator<int> byHand = new Fibonacci(7), generated = FibonacciGenerator(7))
        {
            while (true)
            {
                bool more1 = byHand.MoveNext(), more2 = generated.MoveNext();
                if (more1 != more2)
                    throw new InvalidOperationException("the two Fibonacci implementations disagree on the length");
                if (!more1)
                    break;
                Console.WriteLine($"{byHand.Current,9}  {generated.Current,18}");
            }
        }

        Program.Header("lines (complex internal state)");
        foreach (string line in NewLongerLines(FilePath))
            Console.WriteLine(line);
    }
}

/// <summary>
/// The seed's hand-written iterator class, ported as is: the loop counter, the special 0-case and the end of the
/// iteration are all bookkeeping the generator version gets for free. (Like the seed's class, Fibonacci(0) still
/// produces one number; the generator produces none.)
/// </summary>
public sealed class Fibonacci : IEnumerator<int>, IEnumerable<int>
{
    private int _a, _b;
    private readonly int _n;
    private int _i;

    public Fibonacci(int n)
    {
        (_a, _b) = (1, 1);
        _n = n;
        _i = 0;
    }

    public int Current { get; private set; }

    object IEnumerator.Current => Current;

    // def __next__(self)
    public bool MoveNext()
    {
        // need a special 0-case here
        if (_i == 0)
        {
            _i += 1;
            Current = _a;
            return true;
        }
        else if (_i < _n)
        {
            (_a, _b) = (_b, _a + _b);
            _i += 1;
            Current = _a;
            return true;
        }
        else
        {
            return false;                       // raise StopIteration
        }
    }

    public void Reset() => throw new NotSupportedException();

    public void Dispose() { }

    // def __iter__(self): return self
    public IEnumerator<int> GetEnumerator() => this;

    IEnumerator IEnumerable.GetEnumerator() => this;
}
