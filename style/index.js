import './base.css';
import './panel.css';
import './production.css';
