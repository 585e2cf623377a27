using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CoroGen;

namespace CoroGen.Samples;

// The seed's pointer for simulations: "a nice example implementation of Conway's Game Of Life using coroutines" (Brett
// Slatkin, Effective Python, "Consider coroutines to run many functions concurrently"), ported line for line. Every cell
// is a coroutine (StepCell) that yields Query(y, x) to learn a cell's state (the driver sends the state back in) and
// finally yields Transition(y, x, state); Simulate delegates to one StepCell per cell (yield from) and yields Tick after
// each generation. The coroutines know nothing about the grid: the driver (LiveAGeneration) answers them.
public static partial class GameOfLife
{
    public const char Alive = '*';
    public const char Empty = '-';

    /// <summary>Query = namedtuple('Query', ('y', 'x')): "what is the state of this cell?"</summary>
    public sealed record Query(int Y, int X);

    /// <summary>Transition = namedtuple('Transition', ('y', 'x', 'state')): "this cell becomes state".</summary>
    public sealed record Transition(int Y, int X, char State);

    /// <summary>TICK = object(): the end of a generation.</summary>
    public static readonly object Tick = new();

    // def count_neighbors(y, x): n_ = yield Query(y + 1, x + 0) ...
    [Coroutine]
    public static async Coroutine<int> CountNeighbors(int y, int x, Yielder<object, char> co)
    {
        char n_ = await co.Yield(new Query(y + 1, x + 0)); // North
        char ne = await co.Yield(new Query(y + 1, x + 1)); // Northeast
        char e_ = await co.Yield(new Query(y + 0, x + 1)); // East
        char se = await co.Yield(new Query(y - 1, x + 1)); // Southeast
        char s_ = await co.Yield(new Query(y - 1, x + 0)); // South
        char sw = await co.Yield(new Query(y - 1, x - 1)); // Southwest
        char w_ = await co.Yield(new Query(y + 0, x - 1)); // West
        char nw = await co.Yield(new Query(y + 1, x - 1)); // Northwest
        char[] neighborStates = new[] { n_, ne, e_, se, s_, sw, w_, nw };
        int count = 0;
        foreach (char state in neighborStates)
        {
            if (state == Alive)
            {
                count++;
            }
        }

        return count;
    }

    // def step_cell(y, x): state = yield Query(y, x); neighbors = yield from count_neighbors(y, x); ... yield Transition(...)
    [Coroutine]
    public static async Coroutine StepCell(int y, int x, Yielder<object, char> co)
    {
        char state = await co.Yield(new Query(y, x));
        int neighbors = await CountNeighbors(y, x, co);
        char nextState = GameLogic(state, neighbors);
        await co.Yield(new Transition(y, x, nextState));
    }

    // def game_logic(state, neighbors)
    public static char GameLogic(char state, int neighbors)
    {
        if (state == Alive)
        {
            if (neighbors < 2)
            {
                return Empty; // Die: Too few
            }

            if (neighbors > 3)
            {
                return Empty; // Die: Too many
            }
        }
        else if (neighbors == 3)
        {
            return Alive; // Regenerate
        }

        return state;
    }

    // def simulate(height, width): while True: for each cell: yield from step_cell(y, x); yield TICK
    [Coroutine]
    public static async Coroutine Simulate(int height, int width, Yielder<object, char> co)
    {
        while (true)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    await StepCell(y, x, co);
                }
            }

            await co.Yield(Tick);
        }
    }

    /// <summary>class Grid: rows of cells; coordinates wrap around (Python's modulo, never negative).</summary>
    public sealed class Grid
    {
        private readonly char[][] rows;

        public Grid(int height, int width)
        {
            Height = height;
            Width = width;
            rows = Enumerable.Range(0, height).Select(_ => Enumerable.Repeat(Empty, width).ToArray()).ToArray();
        }

        public int Height { get; }

        public int Width { get; }

        public char Query(int y, int x) => rows[Mod(y, Height)][Mod(x, Width)];

        public void Assign(int y, int x, char state) => rows[Mod(y, Height)][Mod(x, Width)] = state;

        public override string ToString() => string.Join("\n", rows.Select(r => new string(r)));

        private static int Mod(int a, int n) => ((a % n) + n) % n;
    }

    // def live_a_generation(grid, sim): answer every Query with the grid's state, apply every Transition to a new grid, until TICK.
    public static Grid LiveAGeneration(Grid grid, Coroutine<object, char, Unit> sim)
    {
        var progeny = new Grid(grid.Height, grid.Width);
        sim.MoveNext();                             // item = next(sim)
        object item = sim.Current;
        while (item != Tick)
        {
            if (item is Query query)
            {
                char state = grid.Query(query.Y, query.X);
                sim.Send(state);                    // item = sim.send(state)
            }
            else
            {
                var transition = (Transition)item;  // Must be a Transition
                progeny.Assign(transition.Y, transition.X, transition.State);
                sim.MoveNext();                     // item = next(sim)
            }

            item = sim.Current;
        }

        return progeny;
    }

    /// <summary>class ColumnPrinter: the generations side by side, each headed by its number (trailing spaces trimmed).</summary>
    public static string Columns(IReadOnlyList<string> columns)
    {
        int rowCount = 1;
        foreach (string data in columns)
        {
            rowCount = Math.Max(rowCount, data.Split('\n').Length + 1);
        }

        var rows = new StringBuilder[rowCount];
        for (int j = 0; j < rowCount; j++)
        {
            rows[j] = new StringBuilder();
            for (int i = 0; i < columns.Count; i++)
            {
                string line = columns[i].Split('\n')[Math.Max(0, j - 1)];
                if (j == 0)
                {
                    string padding = new(' ', line.Length / 2);
                    rows[j].Append(padding).Append(i).Append(padding);
                }
                else
                {
                    rows[j].Append(line);
                }

                if (i + 1 < columns.Count)
                {
                    rows[j].Append(" | ");
                }
            }
        }

        return string.Join(Environment.NewLine, rows.Select(r => r.ToString().TrimEnd()));
    }

    public static void Run()
    {
        Program.Header("Game of Life: every cell a coroutine (a glider on a 5 x 9 torus)");
        var grid = new Grid(5, 9);
        grid.Assign(0, 3, Alive);
        grid.Assign(1, 4, Alive);
        grid.Assign(2, 2, Alive);
        grid.Assign(2, 3, Alive);
        grid.Assign(2, 4, Alive);

        var columns = new List<string>();
        Coroutine<object, char, Unit> sim = Simulate(grid.Height, grid.Width);
        for (int i = 0; i < 5; i++)
        {
            columns.Add(grid.ToString());
            grid = LiveAGeneration(grid, sim);
        }

        Console.WriteLine(Columns(columns));

        // A glider moves one cell diagonally every four generations: generation 4 is generation 0 shifted by (1, 1).
        var shifted = new Grid(5, 9);
        string[] first = columns[0].Split('\n');
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 9; x++)
            {
                shifted.Assign(y + 1, x + 1, first[y][x]);
            }
        }

        Console.WriteLine($"generation 4 is generation 0 moved one cell down and right: {shifted.ToString() == columns[4]}");

        // Blinker: period 2.
        var blinker = new Grid(5, 5);
        blinker.Assign(2, 1, Alive);
        blinker.Assign(2, 2, Alive);
        blinker.Assign(2, 3, Alive);
        var blinks = new List<string>();
        Coroutine<object, char, Unit> blinkSim = Simulate(blinker.Height, blinker.Width);
        for (int i = 0; i < 3; i++)
        {
            blinks.Add(blinker.ToString());
            blinker = LiveAGeneration(blinker, blinkSim);
        }

        Console.WriteLine("a blinker on a 5 x 5 torus:");
        Console.WriteLine(Columns(blinks));
        sim.Close();
        blinkSim.Close();
    }
}
