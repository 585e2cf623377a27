using System;
using System.Collections.Generic;
using CoroGen;
using CoroGen.Scheduling;

namespace CoroGen.Scheduler.Tests;

// The seed's async/await example, written by hand in the generator's output style (except that generated classes make
// the helpers' yielder once and keep it in a field; these make one per helper call). The templates they stand for:
//
// [Coroutine] static async Coroutine<string> GetPage(Yielder<LoopRequest> co)
// {
//     Console.WriteLine("Starting to download page");
//     await co.Sleep(1);
//     Console.WriteLine("Done downloading page");
//     return "<html>Hello</html>";
// }
//
// [Coroutine] static async Coroutine<string> ReadDb(Yielder<LoopRequest> co)
// {
//     Console.WriteLine("Starting to retrieve data from db");
//     await co.Sleep(0.5);
//     Console.WriteLine("Connected to db");
//     await co.Sleep(1);
//     Console.WriteLine("Done retrieving data from db");
//     return "db-data";
// }
//
// [Coroutine] static async Coroutine WriteDb(string data, Yielder<LoopRequest> co)
// {
//     Console.WriteLine("Starting to write data to db");
//     await co.Sleep(0.5);
//     Console.WriteLine("Connected to db");
//     await co.Sleep(1);
//     Console.WriteLine("Done writing data to db");
// }
//
// [Coroutine] static async Coroutine Worker(Yielder<LoopRequest> co)
// {
//     string page = await GetPage(co);
//     await WriteDb(page, co);
// }
//
// [Coroutine] static async Coroutine Main(Yielder<LoopRequest> co)
// {
//     await co.Gather(Worker(), Worker(), Worker());
// }

internal static class Seed
{
    internal sealed class GetPageCoroutine : Coroutine<LoopRequest, Unit, string>
    {
        private readonly List<string> output;
        private int pc;

        public GetPageCoroutine(List<string> output) => this.output = output;

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0:
                    output.Add("Starting to download page");
                    pc = 1;
                    return YieldedThrough(CreateChannel().Sleep(1));
                case 1:
                    OnResume();
                    output.Add("Done downloading page");
                    pc = -1;
                    return Complete("<html>Hello</html>");
                default:
                    return false;
            }
        }
    }

    internal sealed class ReadDbCoroutine : Coroutine<LoopRequest, Unit, string>
    {
        private readonly List<string> output;
        private int pc;

        public ReadDbCoroutine(List<string> output) => this.output = output;

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0:
                    output.Add("Starting to retrieve data from db");
                    pc = 1;
                    return YieldedThrough(CreateChannel().Sleep(0.5));
                case 1:
                    OnResume();
                    output.Add("Connected to db");
                    pc = 2;
                    return YieldedThrough(CreateChannel().Sleep(1));
                case 2:
                    OnResume();
                    output.Add("Done retrieving data from db");
                    pc = -1;
                    return Complete("db-data");
                default:
                    return false;
            }
        }
    }

    internal sealed class WriteDbCoroutine : Coroutine<LoopRequest, Unit, Unit>
    {
        private readonly string data;
        private readonly List<string> output;
        private int pc;

        public WriteDbCoroutine(string data, List<string> output)
        {
            this.data = data;
            this.output = output;
        }

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0:
                    output.Add("Starting to write data to db");
                    pc = 1;
                    return YieldedThrough(CreateChannel().Sleep(0.5));
                case 1:
                    OnResume();
                    output.Add("Connected to db");
                    pc = 2;
                    return YieldedThrough(CreateChannel().Sleep(1));
                case 2:
                    OnResume();
                    output.Add("Done writing data to db");
                    pc = -1;
                    return false;
                default:
                    return false;
            }
        }
    }

    internal sealed class WorkerCoroutine : Coroutine<LoopRequest, Unit, Unit>
    {
        private readonly List<string> output;
        private string page = null!;
        private int pc;

        public WorkerCoroutine(List<string> output) => this.output = output;

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0:
                    pc = 1;
                    return DelegateTo(new GetPageCoroutine(output));
                case 1:
                    OnResume();
                    page = DelegationResult<string>();
                    pc = 2;
                    return DelegateTo(new WriteDbCoroutine(page, output));
                case 2:
                    OnResume();
                    EndDelegation();
                    pc = -1;
                    return false;
                default:
                    return false;
            }
        }
    }

    /// <summary><c>await co.Gather(Worker(), Worker(), Worker())</c>, returning how many results it got.</summary>
    internal sealed class GatherWorkersCoroutine : Coroutine<LoopRequest, Unit, int>
    {
        private readonly List<string> output;
        private int pc;

        public GatherWorkersCoroutine(List<string> output) => this.output = output;

        protected override bool Resume()
        {
            switch (pc)
            {
                case 0:
                    pc = 1;
                    return DelegateTo(CreateChannel().Gather(new WorkerCoroutine(output), new WorkerCoroutine(output), new WorkerCoroutine(output)));
                case 1:
                    OnResume();
                    Unit[] results = DelegationResult<Unit[]>();
                    pc = -1;
                    return Complete(results.Length);
                default:
                    return false;
            }
        }
    }
}
