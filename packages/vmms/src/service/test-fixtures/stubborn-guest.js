/**
 * Test guest program (JavaScript, so it needs no types of the device packages): answers the
 * heartbeat (its driver does), prints `stubborn up`, and vetoes every shutdown request, printing
 * `vetoed: <reason>`. It runs until the VM is turned off.
 */
export default async function stubborn(machine) {
  const shutdown = machine.devices.first('integration.shutdown');
  machine.console.log('stubborn up');
  shutdown.requests$.subscribe((request) => {
    request.veto();
    machine.console.log(`vetoed: ${request.message}`);
  });
  await new Promise(() => {});
  return 0;
}
