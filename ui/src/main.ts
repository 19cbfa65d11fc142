import "./style.css";
import { commands, events } from "./bindings";
import { startApp } from "./app";
import { tauriFileDrops } from "./filedrop";

const root = document.getElementById("app");
if (root) startApp(root, { commands, events, fileDrops: tauriFileDrops(), cancelRenders: commands.cancelRenders });
