// Registers a group of scenarios for one world: one world (agent + runtime) per group, a mocha `it` per
// scenario, counted when it passes.
import { Scene } from './helpers';
import { type World, type WorldFactory, type WorldOptions, countScenario } from './world';

export type Scenario = (title: string, body: () => Promise<void>) => void;

export function scenarioGroup(
  factory: WorldFactory,
  title: string,
  body: (scene: Scene, scenario: Scenario) => void,
  /** Asked when the world starts (a group's temporary directory is made then, not at load). */
  options: () => WorldOptions = () => ({}),
): void {
  describe(`${title} (${factory.name} runtime)`, function () {
    this.timeout(factory.timeoutMs);
    let world: World | undefined;
    before(async () => {
      world = await factory.create(options());
    });
    after(async () => world?.stop());
    body(
      new Scene(() => {
        if (!world) throw new Error('the world is not started');
        return world;
      }),
      (name, run) => {
        const passed = countScenario(factory.name);
        it(name, async () => {
          await run();
          passed();
        });
      },
    );
  });
}
