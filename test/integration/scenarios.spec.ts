// The shared scenarios (test/scenarios) on the real engine; test/unit/scenarios/scenarios.spec.ts runs the
// same ones on the memory runtime.
import { contractTests } from '../contract/runtime-contract';
import { configEnvScenarios } from '../scenarios/config-env';
import { ephemeralContainerScenarios } from '../scenarios/ephemeral-containers';
import { jobScenarios } from '../scenarios/jobs';
import { podLifecycleScenarios } from '../scenarios/pod-lifecycle';
import { staticPodScenarios } from '../scenarios/static-pods';
import { schedulingScenarios } from '../scenarios/scheduling';
import { serviceAccountTokenScenarios } from '../scenarios/service-account-tokens';
import { statefulSetScenarios } from '../scenarios/statefulsets';
import { tutorialScenario } from '../scenarios/tutorial';
import { tutorialDeploymentScenario } from '../scenarios/tutorial-deployment';
import { volumeScenarios } from '../scenarios/volumes';
import { scenarioSummary } from '../scenarios/world';
import { dockerWorld } from '../scenarios/worlds/docker';

podLifecycleScenarios(dockerWorld);
configEnvScenarios(dockerWorld);
tutorialScenario(dockerWorld);
tutorialDeploymentScenario(dockerWorld);
volumeScenarios(dockerWorld);
jobScenarios(dockerWorld);
staticPodScenarios(dockerWorld);
ephemeralContainerScenarios(dockerWorld);
statefulSetScenarios(dockerWorld);
serviceAccountTokenScenarios(dockerWorld);
schedulingScenarios(dockerWorld);

// The counts, at the end of the run (a root hook): the same scenarios run on the other runtime in the other suite.
after(() => console.log(`  ${scenarioSummary()}; runtime contract: ${contractTests()} tests`));
