// Registers a group of scenarios for one world: one world (agent + runtime) per group, a mocha `it` per
// scenario, counted when it passes.
import { Scene } from './helpers';
import { type World, type WorldFactory, countScenario } from './world';

export type Scenario = (title: string, body: () => Promise<void>) => void;

export function scenarioGroup(
  factory: WorldFactory,
  title: string,
  body: (scene: Scene, scenario: Scenario) => void,
): void {
  describe(`${title} (${factory.name} runtime)`, function () {
    this.timeout(factory.timeoutMs);
    let world: World | undefined;
    before(async () => {
      world = await factory.create();
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
