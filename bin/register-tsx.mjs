// Lets plain `node` run the TypeScript sources, wherever the command is started from.
import { register } from "tsx/esm/api";

register();
