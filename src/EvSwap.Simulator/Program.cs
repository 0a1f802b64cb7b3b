using EvSwap.Simulator;

return await SimulatorCommand.Create().Parse(args).InvokeAsync();
